"""ProConnect (the State's OpenID Connect federation) as a login option (mozilla-django-oidc).

On only when ``PROCONNECT_CLIENT_ID``, ``_SECRET`` and ``_BASE_URL`` are set. The state and the
nonce are checked (mozilla-django-oidc, with a forged one answered as a failed login rather than
an error page). Accounts are matched on the provider's subject (``sub``), never on the e-mail
address: a subject is linked to an account only by accepting an admin's invitation with
ProConnect (``start_with_invitation``, then ``actions.accept_invitation``).
"""

import logging

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView
from requests import RequestException

from . import audit
from .auth_models import ProConnectIdentity

logger = logging.getLogger(__name__)

INVITATION_SESSION_KEY = "proconnect_invitation"
BACKEND_PATH = "partners.proconnect.ProConnectBackend"


def is_enabled():
    return bool(settings.PROCONNECT_ENABLED)


class ProConnectBackend(OIDCAuthenticationBackend):
    """Signs in the account linked to the ProConnect subject, or links one by invitation."""

    def authenticate(self, request, **kwargs):
        # Only the callback (which passes the nonce) authenticates here: a password login with
        # ``?code=&state=`` in its URL must not start a token exchange.
        if "nonce" not in kwargs or not is_enabled():
            return None
        return super().authenticate(request, **kwargs)

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        sub = claims.get("sub")
        if not sub or sub != payload.get("sub"):
            raise SuspiciousOperation("ProConnect subject missing or inconsistent.")
        identity = ProConnectIdentity.objects.select_related("user").filter(sub=sub).first()
        if identity is not None:
            return identity.user
        token = self.request.session.pop(INVITATION_SESSION_KEY, None)
        if token:
            from .actions import MembershipError, accept_invitation

            try:
                return accept_invitation(
                    token,
                    proconnect_sub=sub,
                    first_name=claims.get("given_name", ""),
                    last_name=claims.get("usual_name", ""),
                )
            except MembershipError as error:
                messages.error(self.request, str(error))
                return None
        return None


@method_decorator(login_not_required, name="dispatch")
class LoginView(OIDCAuthenticationRequestView):
    """Redirects to ProConnect with a fresh state and nonce kept in the session."""

    def dispatch(self, request, *args, **kwargs):
        if not is_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class CallbackView(OIDCAuthenticationCallbackView):
    def dispatch(self, request, *args, **kwargs):
        if not is_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        try:
            response = super().get(request)
        except (SuspiciousOperation, RequestException) as error:
            # A forged or replayed state, a wrong nonce or signature, an unreachable provider.
            logger.warning("ProConnect sign-in refused: %s", type(error).__name__)
            response = self.login_failure()
        return response

    def login_failure(self):
        audit.event(audit.Action.LOGIN_FAILED, channel="web", detail="proconnect")
        messages.error(
            self.request,
            _(
                "Connexion avec ProConnect impossible. Si vous n'avez jamais utilisé ProConnect "
                "sur Passerelle, demandez une invitation à l'administrateur de votre organisation."
            ),
        )
        return redirect("login")

    def login_success(self):
        self.user.backend = BACKEND_PATH
        return super().login_success()


def start_with_invitation(request, token):
    """Accepting an invitation with ProConnect: remember it, then go to ProConnect."""
    request.session[INVITATION_SESSION_KEY] = token
    return redirect("proconnect_login")


def logout_if_needed(request):
    if request.user.is_authenticated:
        auth.logout(request)
