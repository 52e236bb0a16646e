"""The resource base kept by its owner (agreement, art. 2) and the employers' partnership record.

The organisations that keep the base (``roles.resource_keepers``: France Travail unless the
coordinator named others) add, edit and confirm resources; everyone of the department reads them
(``views.resource_list``). Every change goes through ``actions`` (audited).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import actions
from .access import capability_required
from .forms import EmployerPartnershipForm, ResourceForm
from .models import EMPLOYER_KINDS, EmployerPartnership, Organisation, Resource
from .roles import Cap, has_capability, is_organisation_admin, may_keep_resources


def _keeper(request):
    """The keeper's department (None for a platform admin, who keeps every department's)."""
    if not may_keep_resources(request.user):
        raise Http404
    membership = request.user.active_membership
    return membership.organisation.department_id if membership else None


@capability_required(Cap.DIRECTORY_VIEW)
def resource_form(request, pk=None):
    department_id = _keeper(request)
    resource = None
    if pk is not None:
        resource = get_object_or_404(Resource.objects.visible_to(request.user), pk=pk)
        department_id = resource.department_id
    if department_id is None:  # a platform admin adds to no department
        raise Http404
    form = ResourceForm(request.POST or None, instance=resource, department_id=department_id)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_resource(request.user, form.save(commit=False))
        except actions.MembershipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("La ressource est enregistrée."))
            return redirect("resource_list")
    return render(
        request,
        "partners/resource_form.html",
        {"form": form, "resource": resource},
        status=400 if form.errors else 200,
    )


@require_POST
@capability_required(Cap.DIRECTORY_VIEW)
def resource_reviewed(request, pk):
    _keeper(request)
    resource = get_object_or_404(Resource.objects.visible_to(request.user), pk=pk)
    actions.mark_resource_reviewed(request.user, resource)
    messages.success(request, _("La ressource est confirmée à jour."))
    return redirect("resource_list")


@capability_required(Cap.DIRECTORY_VIEW)
def partnership_form(request, pk):
    """An employer's partnership record (convention, commitments): its administrators or the
    coordination edit it."""
    organisation = get_object_or_404(
        Organisation.objects.visible_to(request.user).filter(kind__in=EMPLOYER_KINDS), pk=pk
    )
    if not (
        is_organisation_admin(request.user, organisation)
        or has_capability(request.user, Cap.GOVERNANCE_EDIT)
    ):
        raise Http404
    partnership = EmployerPartnership.objects.filter(organisation=organisation).first()
    form = EmployerPartnershipForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_partnership(request.user, organisation, form.save(commit=False))
        except actions.MembershipError:
            raise Http404 from None
        messages.success(request, _("Le partenariat est enregistré."))
        return redirect("organisation_detail", organisation.pk)
    return render(
        request,
        "partners/partnership_form.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )
