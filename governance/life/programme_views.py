"""Programmes (reference data kept by the coordination) and a file's entries into them: recorded
by the counsellor on a referral it follows, or by the OFII on the file. Opening the referral or
the file goes through the door (scope, 404, read audit)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary
from partners.access import capability_required, open_record
from partners.audit import Action as AuditAction
from partners.audit import record
from partners.roles import Cap, has_capability
from referrals.models import Referral

from . import actions
from .forms import ProgrammeEntryForm, ProgrammeExitForm, ProgrammeForm
from .models import Programme, ProgrammeEntry
from .views import add_errors


@capability_required(Cap.GOVERNANCE_VIEW)
def programme_list(request):
    programmes = (
        Programme.objects.visible_to(request.user)
        .prefetch_related("operators")
        .order_by("kind", "name")
    )
    return render(
        request,
        "governance/life/programme_list.html",
        {
            "programmes": programmes,
            "may_edit": has_capability(request.user, Cap.GOVERNANCE_EDIT),
        },
    )


@capability_required(Cap.GOVERNANCE_EDIT)
def programme_create(request):
    department_id = (
        request.user.active_membership.organisation.department_id
        if request.user.active_membership
        else None
    )
    if department_id is None:
        raise Http404
    form = ProgrammeForm(request.POST or None, department_id=department_id)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            programme = form.save(commit=False)
            programme.department_id = department_id
            programme.save()
            form.save_m2m()
            record(request.user, AuditAction.CREATE, "programme", programme.pk)
        messages.success(request, _("Le programme est enregistré."))
        return redirect("governance:programme_list")
    return render(
        request,
        "governance/form.html",
        {"form": form, "title": _("Nouveau programme")},
        status=400 if form.errors else 200,
    )


def _entry_page(request, beneficiary, referral, back):
    form = ProgrammeEntryForm(
        request.POST or None, department_id=beneficiary.ofii_organisation.department_id
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_programme_entry(
                request.user, beneficiary, referral=referral, **form.cleaned_data
            )
        except actions.LifeError:
            raise Http404 from None
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("L'entrée en programme est enregistrée."))
            return redirect(back)
    entries = (
        ProgrammeEntry.objects.visible_to(request.user)
        .filter(beneficiary=beneficiary)
        .select_related("programme", "operator")
    )
    return render(
        request,
        "governance/life/programme_entry.html",
        {"form": form, "entries": entries, "back": back, "referral": referral},
        status=400 if form.errors else 200,
    )


@capability_required(Cap.REFERRAL_ANSWER)
def entry_on_referral(request, referral_pk):
    """The counsellor records an entry on a referral it follows."""
    referral = open_record(
        request.user,
        Referral,
        prepare=lambda qs: qs.select_related("beneficiary__ofii_organisation"),
        pk=referral_pk,
        detail="programme_entry",
    )
    if not actions.may_record_entry(request.user, referral.beneficiary, referral):
        raise Http404
    back = redirect("referrals:detail", pk=referral.pk).url
    return _entry_page(request, referral.beneficiary, referral, back)


@capability_required(Cap.BENEFICIARY_EDIT)
def entry_on_file(request, beneficiary_pk):
    """The OFII records an entry on a file it holds."""
    beneficiary = open_record(
        request.user,
        Beneficiary,
        prepare=lambda qs: qs.select_related("ofii_organisation"),
        pk=beneficiary_pk,
        detail="programme_entry",
    )
    back = redirect("beneficiaries:detail", pk=beneficiary.pk).url
    return _entry_page(request, beneficiary, None, back)


@capability_required(Cap.BENEFICIARY_VIEW)
def entry_exit(request, pk):
    entry = get_object_or_404(
        ProgrammeEntry.objects.visible_to(request.user).select_related(
            "beneficiary", "referral", "programme"
        ),
        pk=pk,
    )
    if not actions.may_record_entry(request.user, entry.beneficiary, entry.referral):
        raise Http404
    record(request.user, AuditAction.VIEW, "beneficiary", entry.beneficiary_id, detail="programme")
    form = ProgrammeExitForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_programme_exit(request.user, entry, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("La sortie du programme est enregistrée."))
            if entry.referral_id:
                return redirect("referrals:detail", pk=entry.referral_id)
            return redirect("beneficiaries:detail", pk=entry.beneficiary_id)
    return render(
        request,
        "governance/form.html",
        {"form": form, "title": _("Sortie du programme « %(p)s »") % {"p": entry.programme}},
        status=400 if form.errors else 200,
    )
