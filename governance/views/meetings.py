"""Pages of the committees' meetings: list, programme, minutes, attendance, decisions,
follow-up items, invitations.

Coordinators (``Cap.GOVERNANCE_EDIT``) change; everyone of the department reads."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners.access import capability_required
from partners.roles import Cap, has_capability

from .. import actions
from ..forms import (
    AttendanceForm,
    DecisionForm,
    FollowUpForm,
    FollowUpStatusForm,
    MeetingForm,
    MinutesForm,
)
from ..invitations import ics, queue_invitations, recipients
from ..models import FollowUpItem, Meeting
from .agreements import _agreement, _current_agreement, _form_page

PAST_MEETINGS_PER_PAGE = 20


def _meeting(request, pk):
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("committee__agreement"), pk=pk
    )


def _next(request, default):
    """Where to go after a POST: ``next`` when it stays on this site, else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


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
        "packs": meeting.packs.order_by("-version")[:5],
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


def _act(request, meeting, act, success, *, form=None):
    """Runs the action ``act()`` once ``form`` (if any) is valid: the form's errors or the
    action's refusal shown in French, or ``success``; then back to the meeting's page."""
    if form is not None and not form.is_valid():
        _invalid(request, form)
        return _back_to(meeting)
    try:
        act()
    except actions.GovernanceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return _back_to(meeting)


@require_POST
@capability_required(Cap.GOVERNANCE_EDIT)
def meeting_hold(request, pk):
    meeting = _meeting(request, pk)
    form = MinutesForm(request.POST)
    form.is_valid()
    return _act(
        request,
        meeting,
        lambda: actions.hold_meeting(request.user, meeting.pk, form.cleaned_data.get("minutes")),
        _("La réunion est enregistrée comme tenue."),
    )


@require_POST
@capability_required(Cap.GOVERNANCE_EDIT)
def meeting_cancel(request, pk):
    meeting = _meeting(request, pk)
    return _act(
        request,
        meeting,
        lambda: actions.cancel_meeting(request.user, meeting.pk),
        _("La réunion est annulée."),
    )


@require_POST
@capability_required(Cap.GOVERNANCE_EDIT)
def meeting_attendance(request, pk):
    meeting = _meeting(request, pk)
    form = AttendanceForm(request.POST, meeting=meeting)
    return _act(
        request,
        meeting,
        lambda: actions.record_attendance(request.user, meeting.pk, form.presences()),
        _("Les présences sont enregistrées."),
        form=form,
    )


@require_POST
@capability_required(Cap.GOVERNANCE_EDIT)
def decision_add(request, pk):
    meeting = _meeting(request, pk)
    form = DecisionForm(request.POST)
    return _act(
        request,
        meeting,
        lambda: actions.add_decision(request.user, meeting.pk, form.cleaned_data["text"]),
        _("La décision est enregistrée."),
        form=form,
    )


@require_POST
@capability_required(Cap.GOVERNANCE_EDIT)
def follow_up_add(request, pk):
    meeting = _meeting(request, pk)
    form = FollowUpForm(request.POST, meeting=meeting)
    return _act(
        request,
        meeting,
        lambda: actions.add_follow_up(request.user, meeting.pk, **form.cleaned_data),
        _("L'action de suivi est enregistrée."),
        form=form,
    )


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
        queue_invitations(meeting.pk, request.build_absolute_uri("/")[:-1])
        messages.success(request, _("Les invitations sont envoyées."))
    return redirect("governance:meeting_detail", pk=meeting.pk)


@capability_required(Cap.GOVERNANCE_VIEW)
def meeting_ics(request, pk):
    meeting = _meeting(request, pk)
    url = request.build_absolute_uri(f"/gouvernance/reunions/{meeting.pk}/")
    response = HttpResponse(ics(meeting, url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reunion-{meeting.pk}.ics"'
    return response
