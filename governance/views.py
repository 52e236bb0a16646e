"""Pages of the governance: agreement, action plan, committees and meetings, statistics.

Coordinators (préfecture, DDETS: ``Cap.GOVERNANCE_EDIT``) create and edit; everyone of the
department reads (``Cap.GOVERNANCE_VIEW``). No page here shows a beneficiary: only organisations
and aggregated figures.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners.access import capability_required
from partners.roles import Cap, has_capability

from . import actions, plan, queries, statistics
from .forms import (
    ActionForm,
    AgreementForm,
    AmendmentForm,
    AttendanceForm,
    AxisForm,
    DecisionForm,
    FollowUpForm,
    FollowUpStatusForm,
    IndicatorForm,
    IndicatorYearForm,
    MeetingForm,
    MinutesForm,
    SignatoryForm,
    StatisticsFilterForm,
    TerminationForm,
)
from .invitations import ics, recipients, send_invitations_on_commit
from .models import Action, Agreement, FollowUpItem, Indicator, IndicatorYear, Meeting
from .statistics import presentation
from .statistics.scope import ScopeError, partners_of, statistics_scope

PAST_MEETINGS_PER_PAGE = 20


def _agreement(request, pk):
    return get_object_or_404(
        Agreement.objects.visible_to(request.user).select_related("department"), pk=pk
    )


def _meeting(request, pk):
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("committee__agreement"), pk=pk
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


def _next(request, default):
    """Where to go after a POST: ``next`` when it stays on this site, else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


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


@capability_required(Cap.GOVERNANCE_EDIT)
def termination(request, pk):
    agreement = _agreement(request, pk)
    form = TerminationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.give_termination_notice(
                request.user, agreement.pk, form.cleaned_data["notice_on"]
            )
        except actions.GovernanceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Le préavis de résiliation est enregistré."))
            return redirect("governance:agreement_detail", pk=agreement.pk)
    return _form_page(
        request,
        "governance/form.html",
        form,
        title=_("Résiliation de l'accord"),
        agreement=agreement,
        help=_(
            "La résiliation prend effet trois mois après la réception du préavis, envoyé par "
            "lettre recommandée avec accusé de réception, après accord des signataires de "
            "l'accord-cadre national."
        ),
    )


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


# --- Meetings --------------------------------------------------------------------------------


@capability_required(Cap.GOVERNANCE_VIEW)
def meeting_list(request):
    now = timezone.now()
    meetings = (
        Meeting.objects.visible_to(request.user)
        .select_related("committee__agreement")
        .order_by("date")
    )
    past = Paginator(meetings.filter(date__lt=now).order_by("-date"), PAST_MEETINGS_PER_PAGE)
    page = past.get_page(request.GET.get("page"))
    context = {
        "upcoming": meetings.filter(date__gte=now),
        "past": page.object_list,
        "page": page,
        "agreement": _current_agreement(request.user),
    }
    return render(request, "governance/meeting_list.html", context)


@capability_required(Cap.GOVERNANCE_EDIT)
def meeting_create(request, pk):
    agreement = _agreement(request, pk)
    actions.ensure_committees(agreement)
    initial = {}
    if request.GET.get("committee"):
        initial["committee"] = agreement.committees.filter(kind=request.GET["committee"]).first()
    form = MeetingForm(request.POST or None, agreement=agreement, initial=initial)
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        messages.success(request, _("La réunion est programmée."))
        return redirect("governance:meeting_detail", pk=meeting.pk)
    return _form_page(
        request, "governance/form.html", form, title=_("Nouvelle réunion"), agreement=agreement
    )


@capability_required(Cap.GOVERNANCE_EDIT)
def meeting_edit(request, pk):
    meeting = _meeting(request, pk)
    agreement = meeting.committee.agreement
    form = MeetingForm(request.POST or None, instance=meeting, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("La réunion est modifiée."))
        return redirect("governance:meeting_detail", pk=meeting.pk)
    return _form_page(
        request, "governance/form.html", form, title=str(meeting), agreement=agreement
    )


@capability_required(Cap.GOVERNANCE_VIEW)
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    can_edit = has_capability(request.user, Cap.GOVERNANCE_EDIT)
    context = {
        "meeting": meeting,
        "agreement": meeting.committee.agreement,
        "agenda_items": [line for line in meeting.agenda.splitlines() if line.strip()],
        "invited": meeting.invited.order_by("name"),
        "attendance": meeting.attendance.select_related("organisation"),
        "decisions": meeting.decisions.all(),
        "items": meeting.follow_up_items.select_related("owner", "decision"),
        "today": timezone.localdate(),
        "can_edit": can_edit,
        "recipients": recipients(meeting) if can_edit else [],
    }
    if can_edit:
        context.update(
            attendance_form=AttendanceForm(meeting=meeting),
            minutes_form=MinutesForm(initial={"minutes": meeting.minutes}),
            decision_form=DecisionForm(),
            follow_up_form=FollowUpForm(meeting=meeting),
        )
    return render(request, "governance/meeting_detail.html", context)


def _invalid(request, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _back_to(meeting):
    return redirect("governance:meeting_detail", pk=meeting.pk)


@require_POST
@capability_required(Cap.GOVERNANCE_EDIT)
def meeting_hold(request, pk):
    meeting = _meeting(request, pk)
    form = MinutesForm(request.POST)
    form.is_valid()
    try:
        actions.hold_meeting(request.user, meeting.pk, form.cleaned_data.get("minutes"))
    except actions.GovernanceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("La réunion est enregistrée comme tenue."))
    return _back_to(meeting)


@require_POST
@capability_required(Cap.GOVERNANCE_EDIT)
def meeting_cancel(request, pk):
    meeting = _meeting(request, pk)
    try:
        actions.cancel_meeting(request.user, meeting.pk)
    except actions.GovernanceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("La réunion est annulée."))
    return _back_to(meeting)


@require_POST
@capability_required(Cap.GOVERNANCE_EDIT)
def meeting_attendance(request, pk):
    meeting = _meeting(request, pk)
    form = AttendanceForm(request.POST, meeting=meeting)
    if not form.is_valid():
        _invalid(request, form)
        return _back_to(meeting)
    try:
        actions.record_attendance(request.user, meeting.pk, form.presences())
    except actions.GovernanceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Les présences sont enregistrées."))
    return _back_to(meeting)


@require_POST
@capability_required(Cap.GOVERNANCE_EDIT)
def decision_add(request, pk):
    meeting = _meeting(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _invalid(request, form)
        return _back_to(meeting)
    try:
        actions.add_decision(request.user, meeting.pk, form.cleaned_data["text"])
    except actions.GovernanceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("La décision est enregistrée."))
    return _back_to(meeting)


@require_POST
@capability_required(Cap.GOVERNANCE_EDIT)
def follow_up_add(request, pk):
    meeting = _meeting(request, pk)
    form = FollowUpForm(request.POST, meeting=meeting)
    if not form.is_valid():
        _invalid(request, form)
        return _back_to(meeting)
    try:
        actions.add_follow_up(request.user, meeting.pk, **form.cleaned_data)
    except actions.GovernanceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("L'action de suivi est enregistrée."))
    return _back_to(meeting)


@require_POST
@capability_required(Cap.GOVERNANCE_EDIT)
def follow_up_status(request, pk):
    item = get_object_or_404(FollowUpItem.objects.visible_to(request.user), pk=pk)
    form = FollowUpStatusForm(request.POST)
    if form.is_valid():
        actions.set_follow_up_status(request.user, item.pk, form.cleaned_data["status"])
        messages.success(request, _("L'état de l'action de suivi est mis à jour."))
    else:
        _invalid(request, form)
    return redirect(_next(request, "governance:index"))


@require_POST
@capability_required(Cap.GOVERNANCE_EDIT)
def meeting_invite(request, pk):
    meeting = _meeting(request, pk)
    if not recipients(meeting):
        messages.error(request, _("Aucune organisation invitée n'a d'adresse de notification."))
    else:
        send_invitations_on_commit(meeting.pk, request.build_absolute_uri("/")[:-1])
        messages.success(request, _("Les invitations sont envoyées."))
    return redirect("governance:meeting_detail", pk=meeting.pk)


@capability_required(Cap.GOVERNANCE_VIEW)
def meeting_ics(request, pk):
    meeting = _meeting(request, pk)
    url = request.build_absolute_uri(f"/gouvernance/reunions/{meeting.pk}/")
    response = HttpResponse(ics(meeting, url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reunion-{meeting.pk}.ics"'
    return response


# --- Statistics ------------------------------------------------------------------------------


def _statistics_request(request):
    """(figures, form, scope) for the page and its downloads; 404 on a bad department."""
    try:
        department, _organisation, _masked = statistics_scope(request.user)
    except ScopeError as error:
        raise Http404 from error
    partners = partners_of(department)
    data = request.GET.copy()
    data.setdefault("year", str(timezone.localdate().year))
    form = StatisticsFilterForm(data, partners=partners)
    if not form.is_valid():
        return None, form
    organisation = form.cleaned_data.get("organisation")
    try:
        department, organisation, masked = statistics_scope(
            request.user, organisation_id=organisation.pk if organisation else None
        )
    except ScopeError as error:
        form.add_error("organisation", error.message)
        return None, form
    figures = statistics.compute(
        department, form.cleaned_data["year"], organisation=organisation, masked=masked
    )
    figures["organisation_name"] = organisation.name if organisation else ""
    return figures, form


@capability_required(Cap.STATISTICS_VIEW)
def statistics_page(request):
    figures, form = _statistics_request(request)
    context = {"form": form, "figures": figures}
    if figures is not None:
        context["tables"] = presentation.tables(figures)
        context["charts"] = presentation.charts(figures)
        context["query"] = request.GET.urlencode()
        context["method_notes"] = presentation.METHOD_NOTES
    return render(request, "governance/statistics.html", context)


@capability_required(Cap.STATISTICS_VIEW)
def statistics_download(request, table, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    figures, form = _statistics_request(request)
    if figures is None:
        raise Http404
    tables = {t["slug"]: t for t in presentation.tables(figures)}
    if table not in tables and table != "all":
        raise Http404
    chosen = list(tables.values()) if table == "all" else [tables[table]]
    name = f"statistiques-{figures['department']}-{figures['year']}-{table}"
    if fmt == "csv":
        if len(chosen) != 1:
            raise Http404
        response = HttpResponse(
            presentation.csv_of(chosen[0]), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        presentation.xlsx_of(chosen),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
