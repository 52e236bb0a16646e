from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import actions, audit, proconnect, reset_throttle, trainings
from . import health as health_checks
from .access import capability_required
from .filters import (
    OrganisationFilter,
    ResourceFilter,
    ServiceOfferFilter,
    TrainingFilter,
    validated,
)
from .forms import (
    AcceptInvitationForm,
    ContactForm,
    InviteForm,
    LoginForm,
    NewPasswordForm,
    OrganisationForm,
    ResetRequestForm,
    ServiceOfferForm,
    TrainingImportForm,
)
from .models import (
    EMPLOYER_KINDS,
    Contact,
    EmployerPartnership,
    Invitation,
    Membership,
    Organisation,
    Resource,
    ServiceOffer,
    TrainingOffer,
)
from .roles import Cap, has_capability, is_organisation_admin, may_keep_resources


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """Django's login: a new session id at sign-in (``login`` cycles the key); the second factor
    follows (``SecondFactorMiddleware``)."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(proconnect_enabled=proconnect.is_enabled(), **kwargs)


@method_decorator(login_not_required, name="dispatch")
class ResetView(auth_views.PasswordResetView):
    """The same answer whatever the address (known, unknown, or asked for too often): a
    request beyond ``PASSWORD_RESET_PER_ADDRESS`` an hour for one address, or
    ``PASSWORD_RESET_PER_IP`` for one IP address, sends nothing."""

    form_class = ResetRequestForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if reset_throttle.allow(email, self.request.META.get("REMOTE_ADDR", "")):
            audit.event(audit.Action.PASSWORD_RESET, detail="requested")
            return super().form_valid(form)
        audit.event(audit.Action.PASSWORD_RESET, detail="throttled")
        return redirect(self.get_success_url())


@method_decorator(login_not_required, name="dispatch")
class ResetDoneView(auth_views.PasswordResetDoneView):
    pass


@method_decorator(login_not_required, name="dispatch")
class ResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)  # the new password revokes the API tokens
        audit.event(audit.Action.PASSWORD_RESET, account_id=form.user.pk, detail="done")
        return response


@method_decorator(login_not_required, name="dispatch")
class ResetCompleteView(auth_views.PasswordResetCompleteView):
    pass


@login_not_required
@never_cache
def health(request):
    """Monitoring: every service apart, 503 when one is down (partners/health.py)."""
    checks, ages = health_checks.report()
    return health_checks.response(
        checks,
        worker_heartbeat_age_seconds=ages.get("worker"),
        beat_heartbeat_age_seconds=ages.get("beat"),
    )


@login_not_required
@never_cache
def health_web(request):
    """docker-compose's health check of the web container: its database answers."""
    return health_checks.response({"database": health_checks.check_database()})


# --- The directory: organisations, offers, resources, trainings --------------------------------

PAGE_SIZE = 20


def paginate(request, queryset, per_page=PAGE_SIZE):
    """One page of ``queryset``: two queries (count, rows), whatever the number of rows."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def filtered_page(request, filterset_class, queryset, per_page=PAGE_SIZE):
    """(filterset, page). Invalid or unknown filters show their errors and an empty list."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    if request.GET and not validated(filterset):
        rows = queryset.none()
    else:
        rows = filterset.qs
    return filterset, paginate(request, rows, per_page)


def visible_organisation(request, pk):
    return get_object_or_404(
        Organisation.objects.visible_to(request.user).select_related("department"), pk=pk
    )


def administered_organisation(request, pk):
    """The organisation if the person administers it; 404 otherwise (its pages do not leak)."""
    organisation = visible_organisation(request, pk)
    if not is_organisation_admin(request.user, organisation):
        raise Http404
    return organisation


@capability_required(Cap.DIRECTORY_VIEW)
def organisation_list(request):
    queryset = (
        Organisation.objects.visible_to(request.user)
        .select_related("department")
        .annotate(offer_count=Count("offers", filter=Q(offers__is_active=True)))
        .order_by("department__code", "name")
    )
    filterset, page = filtered_page(request, OrganisationFilter, queryset)
    return render(
        request,
        "partners/organisation_list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "can_create": has_capability(request.user, Cap.ORGANISATION_CREATE),
        },
    )


@capability_required(Cap.DIRECTORY_VIEW)
def organisation_detail(request, pk):
    organisation = visible_organisation(request, pk)
    is_admin = is_organisation_admin(request.user, organisation)
    is_member = is_admin or request.user.active_membership.organisation_id == organisation.pk
    offers = organisation.offers.order_by("-is_active", "title")
    if not is_member:
        offers = offers.filter(is_active=True)
    offers = list(offers)
    return render(
        request,
        "partners/organisation_detail.html",
        {
            "organisation": organisation,
            "contacts": Contact.objects.visible_to(request.user).filter(organisation=organisation),
            "offers": offers,
            "stale_offers": [offer for offer in offers if is_member and offer.is_stale],
            "partnership": EmployerPartnership.objects.filter(organisation=organisation).first()
            if organisation.kind in EMPLOYER_KINDS
            else None,
            "is_employer": organisation.kind in EMPLOYER_KINDS,
            "may_edit_partnership": organisation.kind in EMPLOYER_KINDS
            and (is_admin or has_capability(request.user, Cap.GOVERNANCE_EDIT)),
            "is_admin": is_admin,
            "is_member": is_member,
        },
    )


@capability_required(Cap.ORGANISATION_CREATE)
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = actions.save_organisation(request.user, form.save(commit=False))
        messages.success(request, _("L'organisation a été créée."))
        return redirect("organisation_detail", organisation.pk)
    return render(request, "partners/organisation_form.html", {"form": form})


@capability_required(Cap.DIRECTORY_VIEW)
def organisation_edit(request, pk):
    organisation = administered_organisation(request, pk)
    form = OrganisationForm(
        request.POST or None,
        instance=organisation,
        can_change_department=has_capability(request.user, Cap.ORGANISATION_CREATE),
    )
    if request.method == "POST" and form.is_valid():
        actions.save_organisation(request.user, form.save(commit=False))
        messages.success(request, _("La page de l'organisation a été mise à jour."))
        return redirect("organisation_detail", organisation.pk)
    return render(
        request, "partners/organisation_form.html", {"form": form, "organisation": organisation}
    )


# --- Members -------------------------------------------------------------------------------


@capability_required(Cap.DIRECTORY_VIEW)
def member_list(request, pk):
    organisation = administered_organisation(request, pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.invite(
                request.user,
                organisation,
                form.cleaned_data["email"],
                is_admin=form.cleaned_data["is_admin"],
            )
        except actions.MembershipError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                _("L'invitation a été envoyée. Le lien reste valable %(days)s jours.")
                % {"days": actions.INVITATION_VALIDITY.days},
            )
            return redirect("member_list", organisation.pk)
    memberships = (
        Membership.objects.visible_to(request.user)
        .filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_active", "-is_admin", "user__last_name", "user__first_name")
    )
    invitations = (
        Invitation.objects.visible_to(request.user)
        .filter(organisation=organisation, accepted_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
    )
    return render(
        request,
        "partners/member_list.html",
        {
            "organisation": organisation,
            "form": form,
            "page_obj": paginate(request, memberships, per_page=50),
            "invitations": invitations,
        },
    )


def _membership_action(request, pk, membership_pk, change, done_message):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    organisation = administered_organisation(request, pk)
    membership = get_object_or_404(
        Membership.objects.visible_to(request.user).filter(organisation=organisation),
        pk=membership_pk,
    )
    try:
        change(request.user, membership)
    except actions.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done_message)
    if membership.user_id == request.user.pk and not request.user.is_superuser:
        # Their own rights changed: the members page may no longer be theirs to see.
        return redirect("organisation_detail", organisation.pk)
    return redirect("member_list", organisation.pk)


@capability_required(Cap.DIRECTORY_VIEW)
def member_grant_admin(request, pk, membership_pk):
    return _membership_action(
        request,
        pk,
        membership_pk,
        actions.grant_admin,
        _("Le membre est maintenant administrateur."),
    )


@capability_required(Cap.DIRECTORY_VIEW)
def member_remove_admin(request, pk, membership_pk):
    return _membership_action(
        request,
        pk,
        membership_pk,
        actions.remove_admin,
        _("Le membre n'est plus administrateur."),
    )


@capability_required(Cap.DIRECTORY_VIEW)
def member_deactivate(request, pk, membership_pk):
    return _membership_action(
        request,
        pk,
        membership_pk,
        actions.deactivate,
        _("Le membre a été désactivé : son accès s'arrête à sa prochaine requête."),
    )


@login_not_required
@never_cache
def invitation_accept(request, token):
    invitation = actions.pending_invitation(token)
    if invitation is None:
        return render(request, "partners/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.accept_invitation(
                token,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except actions.MembershipError as error:
            form.add_error(None, str(error))
        else:
            if request.user.is_authenticated:
                logout(request)
            messages.success(
                request, _("Votre compte est prêt. Connectez-vous avec votre adresse électronique.")
            )
            return redirect("login")
    return render(
        request,
        "partners/invitation_accept.html",
        {
            "form": form,
            "invitation": invitation,
            "token": token,
            "proconnect_enabled": proconnect.is_enabled(),
        },
    )


@login_not_required
@never_cache
@require_POST
def invitation_accept_proconnect(request, token):
    """Accept an invitation by linking one's ProConnect identity (no password on Passerelle)."""
    if not proconnect.is_enabled() or actions.pending_invitation(token) is None:
        raise Http404
    if request.user.is_authenticated:
        logout(request)
    return proconnect.start_with_invitation(request, token)


# --- Contacts and offers of an organisation (its admins) ----------------------------------------


@capability_required(Cap.DIRECTORY_VIEW)
def contact_form(request, pk, contact_pk=None):
    organisation = administered_organisation(request, pk)
    contacts = Contact.objects.visible_to(request.user).filter(organisation=organisation)
    contact = get_object_or_404(contacts, pk=contact_pk) if contact_pk else None
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        actions.save_contact(request.user, organisation, form.save(commit=False))
        messages.success(request, _("Le contact a été enregistré."))
        return redirect("organisation_detail", organisation.pk)
    return render(
        request,
        "partners/contact_form.html",
        {"form": form, "organisation": organisation, "contact": contact},
    )


@capability_required(Cap.DIRECTORY_VIEW)
@require_POST
def contact_delete(request, pk, contact_pk):
    organisation = administered_organisation(request, pk)
    contacts = Contact.objects.visible_to(request.user).filter(organisation=organisation)
    actions.delete_contact(request.user, get_object_or_404(contacts, pk=contact_pk))
    messages.success(request, _("Le contact a été supprimé."))
    return redirect("organisation_detail", organisation.pk)


@capability_required(Cap.DIRECTORY_VIEW)
def offer_form(request, pk, offer_pk=None):
    organisation = administered_organisation(request, pk)
    offer = get_object_or_404(organisation.offers, pk=offer_pk) if offer_pk else None
    form = ServiceOfferForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        actions.save_offer(request.user, organisation, form.save(commit=False))
        messages.success(request, _("L'offre a été enregistrée."))
        return redirect("organisation_detail", organisation.pk)
    return render(
        request,
        "partners/offer_form.html",
        {"form": form, "organisation": organisation, "offer": offer},
    )


@capability_required(Cap.DIRECTORY_VIEW)
@require_POST
def offer_reviewed(request, pk, offer_pk):
    """Confirms that an offer is still up to date (resets the twelve-month review clock)."""
    organisation = administered_organisation(request, pk)
    actions.mark_reviewed(request.user, get_object_or_404(organisation.offers, pk=offer_pk))
    messages.success(request, _("L'offre est confirmée à jour."))
    return redirect("organisation_detail", organisation.pk)


@capability_required(Cap.DIRECTORY_VIEW)
def offer_list(request):
    queryset = (
        ServiceOffer.objects.visible_to(request.user)
        .filter(is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "title")
    )
    filterset, page = filtered_page(request, ServiceOfferFilter, queryset)
    profile = filterset.is_bound and any(request.GET.get(key) for key in ServiceOfferFilter.PROFILE)
    return render(
        request,
        "partners/offer_list.html",
        {"filterset": filterset, "page_obj": page, "profile": profile},
    )


@capability_required(Cap.DIRECTORY_VIEW)
def resource_list(request):
    queryset = (
        Resource.objects.visible_to(request.user)
        .select_related("organisation")
        .order_by("category", "name")
    )
    filterset, page = filtered_page(request, ResourceFilter, queryset)
    return render(
        request,
        "partners/resource_list.html",
        {"filterset": filterset, "page_obj": page, "may_keep": may_keep_resources(request.user)},
    )


@capability_required(Cap.DIRECTORY_VIEW)
def training_list(request):
    queryset = TrainingOffer.objects.visible_to(request.user).order_by("starts_on", "title")
    filterset, page = filtered_page(request, TrainingFilter, queryset)
    return render(
        request,
        "partners/training_list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "can_import": has_capability(request.user, Cap.TRAINING_IMPORT),
        },
    )


def importable_departments(user):
    """Department codes a person may import trainings for (None: any, for platform admins)."""
    if user.is_superuser:
        return None
    return {user.active_membership.organisation.department.code}


@capability_required(Cap.TRAINING_IMPORT)
def training_import(request):
    form = TrainingImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = trainings.import_trainings(
            form.cleaned_data["file"].read(), allowed_codes=importable_departments(request.user)
        )
        if result.ok:
            messages.success(
                request,
                _(
                    "%(total)s formations importées : %(created)s créées, %(updated)s mises à "
                    "jour, %(unchanged)s inchangées."
                )
                % {
                    "total": result.total,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
            return redirect("training_list")
    return render(
        request,
        "partners/training_import.html",
        {"form": form, "result": result, "columns": trainings.COLUMNS},
    )
