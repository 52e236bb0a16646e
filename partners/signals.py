"""Authentication events into the audit log, and token revocation on password or account changes.

Connected in ``PartnersConfig.ready``. Audit rows name accounts by id, never by address.
"""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver

from . import audit, tokens
from .accounts import normalise_login
from .models import User

SESSION_STARTED_KEY = "passerelle_started_at"
LAST_SEEN_KEY = "passerelle_last_seen"
# Whether the person has a confirmed second-factor device, noted at sign-in and at enrolment, so
# that the pages of people without one cost no device query.
HAS_DEVICE_KEY = "passerelle_has_device"


def channel_of(request):
    path = getattr(request, "path", "") or ""
    return "api" if path.startswith("/api/") else "web"


def account_id_for(username):
    """The id of the account a sign-in name designates, or "" (unknown: nothing is recorded)."""
    pk = (
        User.objects.filter(email__iexact=normalise_login(username))
        .values_list("pk", flat=True)
        .first()
    )
    return pk or ""


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        from . import second_factor

        now = int(time.time())
        request.session[SESSION_STARTED_KEY] = now
        request.session[LAST_SEEN_KEY] = now
        request.session[HAS_DEVICE_KEY] = second_factor.has_device(user)
    audit.event(audit.Action.LOGIN, user=user, channel=channel_of(request))


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.event(audit.Action.LOGOUT, user=user, channel=channel_of(request))


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    audit.event(
        audit.Action.LOGIN_FAILED,
        account_id=account_id_for(username),
        channel=channel_of(request),
    )


@receiver(user_locked_out)
def on_lockout(sender, request, username, **kwargs):
    audit.event(
        audit.Action.LOCKOUT, account_id=account_id_for(username), channel=channel_of(request)
    )


@receiver(pre_save, sender=User)
def revoke_tokens_on_password_or_deactivation(sender, instance, **kwargs):
    """A new password (change, reset, admin) or a deactivated account ends every API token."""
    if instance.pk is None or kwargs.get("raw"):
        return
    if getattr(instance, "_password", None) is not None:
        tokens.revoke_all(instance, reason="password")
    elif not instance.is_active:
        tokens.revoke_all(instance, reason="deactivated")
