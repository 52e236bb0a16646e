"""Pages of the governance: the governance page, the agreement and its action plan.

Coordinators (préfecture, DDETS: ``Cap.GOVERNANCE_EDIT``) create and edit; everyone of the
department reads (``Cap.GOVERNANCE_VIEW``). No page here shows a beneficiary: only organisations
and aggregated figures.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.access import capability_required
from partners.roles import Cap

from .. import actions, plan, queries
from ..forms import (
    ActionForm,
    AgreementForm,
    AmendmentForm,
    AxisForm,
    IndicatorForm,
    IndicatorYearForm,
    SignatoryForm,
)
from ..models import Action, Agreement, Indicator, IndicatorYear, Meeting
from ..statistics import presentation


def _agreement(request, pk):
    return get_object_or_404(
        Agreement.objects.visible_to(request.user).select_related("department"), pk=pk
    )


def _current_agreement(user):
    """The agreement the governance page is about: in force first, then the latest."""
    agreements = Agreement.objects.visible_to(user)
    return (
        agreements.filter(status=Agreement.Status.IN_FORCE).order_by("-starts_on").first()
        or agreements.order_by("-starts_on").first()
    )


def _year(request):
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return timezone.localdate().year


def _form_page(request, template, form, **context):
    return render(request, template, {"form": form, **context})


# --- The governance page ---------------------------------------------------------------------


@capability_required(Cap.GOVERNANCE_VIEW)
def index(request):
    agreement = _current_agreement(request.user)
    year = timezone.localdate().year
    context = {
        "agreement": agreement,
        "year": year,
        "agreements": Agreement.objects.visible_to(request.user),
    }
    if agreement is not None:
        now = timezone.now()
        meetings = (
            Meeting.objects.visible_to(request.user)
            .select_related("committee")
            .filter(committee__agreement=agreement)
        )
        context.update(
            cadence=queries.cadence(agreement, year),
            end_warning=queries.end_warning(agreement),
            overdue_items=queries.overdue_follow_ups(agreement),
            upcoming=meetings.filter(date__gte=now)
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("date")[:5],
            recent=meetings.filter(date__lt=now).order_by("-date")[:5],
        )
    return render(request, "governance/index.html", context)


# --- The agreement ---------------------------------------------------------------------------


@capability_required(Cap.GOVERNANCE_VIEW)
def agreement_detail(request, pk):
    agreement = _agreement(request, pk)
    context = {
        "agreement": agreement,
        "signatories": agreement.signatories.select_related("organisation"),
        "axes": agreement.axes.all(),
        "amendments": agreement.amendments.all(),
        "end_warning": queries.end_warning(agreement),
        "effective_end": queries.effective_end(agreement),
        "committees": agreement.committees.all(),
    }
    return render(request, "governance/agreement_detail.html", context)


@capability_required(Cap.GOVERNANCE_EDIT)
def agreement_create(request):
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        department = request.user.active_membership.organisation.department
        agreement = actions.create_agreement(request.user, department, form.cleaned_data)
        messages.success(request, _("L'accord est enregistré."))
        return redirect("governance:agreement_detail", pk=agreement.pk)
    return _form_page(request, "governance/form.html", form, title=_("Nouvel accord départemental"))


@capability_required(Cap.GOVERNANCE_EDIT)
def agreement_edit(request, pk):
    agreement = _agreement(request, pk)
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        actions.update_agreement(request.user, agreement.pk, form.cleaned_data)
        messages.success(request, _("L'accord est modifié."))
        return redirect("governance:agreement_detail", pk=agreement.pk)
    return _form_page(
        request, "governance/form.html", form, title=_("Modifier l'accord"), agreement=agreement
    )


def _child_form(request, pk, form_class, title, **form_kwargs):
    """Add a signatory, an axis or an amendment to an agreement."""
    agreement = _agreement(request, pk)
    kwargs = {key: value(agreement) for key, value in form_kwargs.items()}
    form = form_class(request.POST or None, request.FILES or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        form.instance.agreement = agreement
        form.save()
        messages.success(request, _("C'est enregistré."))
        return redirect("governance:agreement_detail", pk=agreement.pk)
    return _form_page(request, "governance/form.html", form, title=title, agreement=agreement)


@capability_required(Cap.GOVERNANCE_EDIT)
def signatory_add(request, pk):
    return _child_form(
        request, pk, SignatoryForm, _("Ajouter un signataire"), department=lambda a: a.department
    )


@capability_required(Cap.GOVERNANCE_EDIT)
def axis_add(request, pk):
    return _child_form(request, pk, AxisForm, _("Ajouter un axe"))


@capability_required(Cap.GOVERNANCE_EDIT)
def amendment_add(request, pk):
    return _child_form(request, pk, AmendmentForm, _("Ajouter un avenant"), agreement=lambda a: a)


# --- The action plan -------------------------------------------------------------------------


@capability_required(Cap.GOVERNANCE_VIEW)
def action_plan(request, pk):
    agreement = _agreement(request, pk)
    year = _year(request)
    rows = plan.indicator_rows(agreement, plan.actions_of(agreement, year), year)
    context = {
        "agreement": agreement,
        "year": year,
        "axes": agreement.axes.all(),
        "rows": rows,
        "years": range(agreement.starts_on.year, max(agreement.ends_on.year, year) + 1),
    }
    return render(request, "governance/action_plan.html", context)


@capability_required(Cap.GOVERNANCE_VIEW)
def action_plan_download(request, pk, fmt):
    """The indicators of the plan for a year as CSV or XLSX: the page's figures and verdicts."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    agreement = _agreement(request, pk)
    year = _year(request)
    rows = plan.indicator_rows(agreement, plan.actions_of(agreement, year), year)
    table = presentation.plan_table(rows, year)
    name = f"plan-d-actions-{agreement.department.code}-{year}"
    if fmt == "csv":
        response = HttpResponse(presentation.csv_of(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            presentation.xlsx_of([table]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@capability_required(Cap.GOVERNANCE_EDIT)
def action_create(request, pk):
    agreement = _agreement(request, pk)
    form = ActionForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        actions.create_action(request.user, agreement.pk, form.cleaned_data)
        messages.success(request, _("L'action est ajoutée au plan."))
        return redirect("governance:action_plan", pk=agreement.pk)
    return _form_page(
        request, "governance/form.html", form, title=_("Nouvelle action"), agreement=agreement
    )


def _action(request, pk):
    return get_object_or_404(
        Action.objects.visible_to(request.user).select_related("agreement__department"),
        pk=pk,
    )


@capability_required(Cap.GOVERNANCE_EDIT)
def action_edit(request, pk):
    action = _action(request, pk)
    form = ActionForm(request.POST or None, instance=action, agreement=action.agreement)
    if request.method == "POST" and form.is_valid():
        actions.update_action(request.user, action.pk, form.cleaned_data)
        messages.success(request, _("L'action est modifiée."))
        return redirect("governance:action_plan", pk=action.agreement_id)
    return _form_page(
        request, "governance/form.html", form, title=action.title, agreement=action.agreement
    )


@capability_required(Cap.GOVERNANCE_EDIT)
def indicator_add(request, pk):
    action = _action(request, pk)
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.action = action
        form.save()
        messages.success(request, _("L'indicateur est ajouté."))
        return redirect("governance:action_plan", pk=action.agreement_id)
    return _form_page(
        request,
        "governance/form.html",
        form,
        title=_("Nouvel indicateur : %(action)s") % {"action": action.title},
        agreement=action.agreement,
    )


@capability_required(Cap.GOVERNANCE_EDIT)
def indicator_year(request, pk):
    """The target of an indicator for a year and, for a manual one, its value."""
    indicator = get_object_or_404(
        Indicator.objects.visible_to(request.user).select_related("action__agreement"),
        pk=pk,
    )
    year = _year(request)
    instance = IndicatorYear.objects.filter(indicator=indicator, year=year).first()
    form = IndicatorYearForm(
        request.POST or None,
        instance=instance or IndicatorYear(indicator=indicator, year=year),
        indicator=indicator,
    )
    if request.method == "POST" and form.is_valid():
        year_value = form.cleaned_data["year"]
        fields = {key: form.cleaned_data.get(key) for key in ("target", "value", "comment")}
        fields = {key: value for key, value in fields.items() if key in form.fields}
        IndicatorYear.objects.update_or_create(
            indicator=indicator, year=year_value, defaults=fields
        )
        messages.success(request, _("L'indicateur est mis à jour."))
        url = redirect("governance:action_plan", pk=indicator.action.agreement_id).url
        return redirect(f"{url}?year={year_value}")
    return _form_page(
        request,
        "governance/form.html",
        form,
        title=indicator.name,
        agreement=indicator.action.agreement,
    )
