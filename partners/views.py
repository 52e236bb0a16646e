from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from .forms import LoginForm, NewPasswordForm, ResetRequestForm
from .models import Organisation, ServiceHeartbeat
from .roles import Role, role_of


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@method_decorator(login_not_required, name="dispatch")
class ResetView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


@method_decorator(login_not_required, name="dispatch")
class ResetDoneView(auth_views.PasswordResetDoneView):
    pass


@method_decorator(login_not_required, name="dispatch")
class ResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm


@method_decorator(login_not_required, name="dispatch")
class ResetCompleteView(auth_views.PasswordResetCompleteView):
    pass


@login_not_required
@never_cache
def health(request):
    """Liveness for load balancers and docker-compose: the database answers; worker age if known."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    beat = ServiceHeartbeat.objects.filter(name="worker").values_list("beat_at", flat=True).first()
    worker_age = int((timezone.now() - beat).total_seconds()) if beat else None
    return JsonResponse({"status": "ok", "worker_heartbeat_age_seconds": worker_age})


# Each role's home page; later apps add their panels through the template of their role.
HOME_TEMPLATES = {
    Role.OFII: "home/ofii.html",
    Role.RECEIVER: "home/receiver.html",
    Role.COORDINATOR: "home/coordinator.html",
    Role.PARTNER: "home/partner.html",
    Role.PLATFORM_ADMIN: "home/platform_admin.html",
}


def home(request):
    role = role_of(request.user)
    membership = request.user.active_membership
    organisations = (
        Organisation.objects.visible_to(request.user)
        .select_related("department")
        .order_by("kind", "name")
    )
    context = {
        "membership": membership,
        "organisation": membership.organisation if membership else None,
        "department_organisations": organisations,
    }
    return render(request, HOME_TEMPLATES[role], context)
