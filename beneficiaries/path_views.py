"""Pages of the person's path after the first interview: the skills assessment, the liaison
sheet, the end-of-CIR worklist and the trainings map's sessions and fill rates."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partners.access import audit_read, capability_required, list_records
from partners.models import TrainingOffer
from partners.roles import Cap

from . import actions, liaison, queries, skills, trainings
from .forms import SkillsForm
from .models import Beneficiary

OBJECT_TYPE = actions.OBJECT_TYPE
PAGE_SIZE = 50


def _file(request, pk):
    return get_object_or_404(
        Beneficiary.objects.visible_to(request.user).select_related("ofii_organisation"), pk=pk
    )


@capability_required(Cap.BENEFICIARY_EDIT)
@require_http_methods(["GET", "POST"])
def skills_edit(request, pk):
    beneficiary = _file(request, pk)
    form = SkillsForm(request.POST or None, instance=beneficiary)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in skills.SKILLS_FIELDS}
        _updated, changes = actions.correct_file(request.user, pk, values)
        if changes:
            messages.success(request, _("Bilan de compétences enregistré."))
        else:
            messages.info(request, _("Aucune modification."))
        return redirect("beneficiaries:detail", pk=pk)
    audit_read(request.user, beneficiary, object_type=OBJECT_TYPE, detail="skills_form")
    return render(
        request,
        "beneficiaries/skills_form.html",
        {"form": form, "beneficiary": beneficiary},
    )


@capability_required(Cap.BENEFICIARY_EDIT)
@require_POST
def liaison_sheet(request, pk):
    """One click at the end of the interview: the PDF the person takes away (recorded)."""
    beneficiary = _file(request, pk)
    language = request.POST.get("langue", "")
    if language not in liaison.LANGUAGES:
        language = ""
    ctx = liaison.context(beneficiary, request.user, language)
    pdf = liaison.render_pdf(ctx)
    partner = ctx["partner"] or {}
    actions.record_liaison_sheet(
        request.user, beneficiary, language=language, partner_name=partner.get("name", "")
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = f"-{language}" if language else ""
    response["Content-Disposition"] = (
        f'attachment; filename="fiche-liaison-{beneficiary.pk}{suffix}.pdf"'
    )
    return response


@capability_required(Cap.BENEFICIARY_EDIT)
def end_of_cir(request):
    """The files due for their end-of-CIR interview, the oldest CIR first."""
    files = queries.end_of_cir_due(Beneficiary.objects.visible_to(request.user))
    page = Paginator(files, PAGE_SIZE).get_page(request.GET.get("page"))
    list_records(request.user, page.object_list, object_type=OBJECT_TYPE, detail="end_of_cir")
    return render(request, "beneficiaries/end_of_cir.html", {"page_obj": page})


@capability_required(Cap.BENEFICIARY_EDIT)
def training_sessions(request):
    """The department's French sessions: places left, and the fill rate by funder."""
    sessions = (
        TrainingOffer.objects.visible_to(request.user)
        .filter(kind__in=trainings.FRENCH_KINDS, ends_on__gte=timezone.localdate())
        .order_by("starts_on", "title")
    )
    return render(
        request,
        "beneficiaries/trainings.html",
        {"sessions": sessions, "fill_rates": trainings.fill_rates(request.user)},
    )
