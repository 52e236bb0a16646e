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
