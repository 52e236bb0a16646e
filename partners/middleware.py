from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _


class ActiveMembershipMiddleware:
    """Signs out, at their next request, a person who no longer belongs to any organisation.

    Platform admins need no membership. API requests authenticate in DRF, where a deactivated
    person is refused because their account is inactive.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_superuser and user.active_membership is None:
            logout(request)
            messages.error(
                request,
                _(
                    "Votre accès à Passerelle a été désactivé. Contactez l'administrateur de votre organisation."
                ),
            )
            return redirect("login")
        return self.get_response(request)


# Pages open before the second factor: signing in and out, resets, invitations, the second
# factor's own pages, and the liveness probe.
SECOND_FACTOR_EXEMPT = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation_accept",
    "health",
    "second_factor_verify",
    "second_factor_setup",
    "proconnect_login",
    "proconnect_callback",
    "set_language",
}


class SecondFactorMiddleware:
    """After the password, the second factor: a person with a confirmed device verifies a code;
    a person for whom it is required (``second_factor.is_required``) enrols first. Until then,
    every other page (the admin included) redirects there.

    API requests with a token are not concerned (no session): the token endpoint asks for the
    code itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.contrib.auth.views import redirect_to_login

        from . import second_factor
        from .signals import HAS_DEVICE_KEY

        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.url_name in SECOND_FACTOR_EXEMPT:
            return None
        has_device = request.session.get(HAS_DEVICE_KEY)
        if has_device is None:
            has_device = request.session[HAS_DEVICE_KEY] = second_factor.has_device(user)
        if has_device:
            return redirect_to_login(request.get_full_path(), "second_factor_verify")
        if second_factor.is_required(user):
            return redirect_to_login(request.get_full_path(), "second_factor_setup")
        return None
