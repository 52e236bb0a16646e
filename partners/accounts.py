"""How a sign-in name is read: one normalisation for the lockout and the account lookup.

The lockout (django-axes) counts failures per account. It must count ``VICTIM@…`` and
``" victim@…"`` as the same account as ``victim@…``, because the account lookup finds the same
person for all three: both ask here.
"""


def normalise_login(value):
    """The canonical form of a sign-in address: surrounding spaces removed, case folded."""
    return (value or "").strip().casefold()


def axes_username(request, credentials=None):
    """``AXES_USERNAME_CALLABLE``: the account a sign-in attempt is counted against."""
    if credentials and credentials.get("username") is not None:
        return normalise_login(credentials["username"])
    data = getattr(request, "data", None) or getattr(request, "POST", {})
    return normalise_login(data.get("username") or data.get("email"))


def axes_not_counted(request, credentials=None):
    """``AXES_WHITELIST_CALLABLE``: attempts without a sign-in name (the ProConnect callback,
    which authenticates with a code and a nonce) are not password guesses: not counted, and never
    refused by a lock on the empty name."""
    return not axes_username(request, credentials)


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: 429 — JSON for the API's token endpoint, the page otherwise."""
    from django.conf import settings
    from django.http import JsonResponse
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": _(
                    "Trop de tentatives : la connexion à ce compte est bloquée quelques minutes."
                )
            },
            status=429,
        )
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, {"cooloff_minutes": minutes}, status=429)
