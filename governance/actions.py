"""What changes in the governance of an agreement: one function per change, and the reading of
its state (cadence of the committees, overdue follow-up items, the end of the agreement).

Views and the API call these; nothing else saves a meeting's or a follow-up item's status.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Agreement,
    Attendance,
    Committee,
    Decision,
    FollowUpItem,
    Meeting,
    add_months,
)

logger = logging.getLogger(__name__)

ENDING_SOON_MONTHS = 6


class GovernanceError(Exception):
    """A change that is not allowed; its message is shown to the person."""


# --- Reading ---------------------------------------------------------------------------------


def effective_end(agreement):
    """The day the agreement stops: its term, or the termination if that comes first."""
    terminated = agreement.termination_effective_on
    if terminated and terminated < agreement.ends_on:
        return terminated
    return agreement.ends_on


def end_warning(agreement, today=None):
    """``("ended", day)``, ``("ending_soon", day)`` (within 6 months) or None."""
    today = today or timezone.localdate()
    end = effective_end(agreement)
    if end <= today:
        return ("ended", end)
    if end <= add_months(today, ENDING_SOON_MONTHS):
        return ("ending_soon", end)
    return None


def cadence(agreement, year):
    """Each committee with the meetings held and planned in the year against the required
    number (one query). ``behind`` when fewer were held than required."""
    committees = agreement.committees.annotate(
        held=Count(
            "meetings", filter=Q(meetings__status=Meeting.Status.HELD, meetings__date__year=year)
        ),
        planned=Count(
            "meetings",
            filter=Q(meetings__status=Meeting.Status.PLANNED, meetings__date__year=year),
        ),
    ).order_by("kind")
    rows = []
    for committee in committees:
        required = committee.required_per_year
        rows.append(
            {
                "committee": committee,
                "required": required,
                "held": committee.held,
                "planned": committee.planned,
                "missing": max(required - committee.held, 0),
                "behind": committee.held < required,
            }
        )
    return rows


def overdue_follow_ups(agreement, today=None):
    today = today or timezone.localdate()
    return (
        FollowUpItem.objects.filter(
            meeting__committee__agreement=agreement,
            status=FollowUpItem.Status.OPEN,
            due_on__lt=today,
        )
        .select_related("owner", "meeting__committee")
        .order_by("due_on", "pk")
    )


# --- Changing --------------------------------------------------------------------------------


def _locked_meeting(meeting_id):
    return Meeting.objects.select_for_update().select_related("committee").get(pk=meeting_id)


@transaction.atomic
def give_termination_notice(user, agreement_id, notice_on):
    """Record the registered letter of termination: the agreement ends three months later."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
    if agreement.status not in (Agreement.Status.IN_FORCE, Agreement.Status.DRAFT):
        raise GovernanceError(_("Cet accord n'est plus en vigueur."))
    if agreement.termination_notice_on == notice_on:
        return agreement
    agreement.termination_notice_on = notice_on
    agreement.save(update_fields=["termination_notice_on"])
    logger.info("agreement %s: termination notice recorded by user %s", agreement.pk, user.pk)
    return agreement


@transaction.atomic
def hold_meeting(user, meeting_id, minutes=None):
    """The meeting took place (its minutes may follow): it counts towards the cadence."""
    meeting = _locked_meeting(meeting_id)
    if meeting.status == Meeting.Status.CANCELLED:
        raise GovernanceError(_("Cette réunion a été annulée : elle ne peut être tenue."))
    if meeting.date > timezone.now() + timedelta(hours=12):
        raise GovernanceError(_("Une réunion à venir ne peut pas être déclarée tenue."))
    fields = []
    if meeting.status != Meeting.Status.HELD:
        meeting.status = Meeting.Status.HELD
        fields.append("status")
    if minutes is not None and minutes != meeting.minutes:
        meeting.minutes = minutes
        fields.append("minutes")
    if fields:
        meeting.save(update_fields=fields)
        logger.info("meeting %s held, recorded by user %s", meeting.pk, user.pk)
    return meeting


@transaction.atomic
def cancel_meeting(user, meeting_id):
    meeting = _locked_meeting(meeting_id)
    if meeting.status == Meeting.Status.HELD:
        raise GovernanceError(_("Cette réunion a déjà été tenue : elle ne peut être annulée."))
    if meeting.status != Meeting.Status.CANCELLED:
        meeting.status = Meeting.Status.CANCELLED
        meeting.save(update_fields=["status"])
        logger.info("meeting %s cancelled by user %s", meeting.pk, user.pk)
    return meeting


@transaction.atomic
def record_attendance(user, meeting_id, presences):
    """``presences``: {organisation id: presence code}; replaces the attendance of the meeting."""
    meeting = _locked_meeting(meeting_id)
    if meeting.status == Meeting.Status.CANCELLED:
        raise GovernanceError(_("Cette réunion a été annulée."))
    meeting.attendance.exclude(organisation_id__in=presences).delete()
    existing = dict(meeting.attendance.values_list("organisation_id", "pk"))
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, organisation_id=org_id, presence=presence)
            for org_id, presence in presences.items()
            if org_id not in existing
        ]
    )
    for org_id, presence in presences.items():
        if org_id in existing:
            Attendance.objects.filter(pk=existing[org_id]).update(presence=presence)
    return meeting


@transaction.atomic
def add_decision(user, meeting_id, text):
    meeting = _locked_meeting(meeting_id)
    if meeting.status == Meeting.Status.CANCELLED:
        raise GovernanceError(_("Cette réunion a été annulée."))
    return Decision.objects.create(meeting=meeting, text=text)


@transaction.atomic
def add_follow_up(user, meeting_id, *, description, owner, due_on, decision=None):
    meeting = _locked_meeting(meeting_id)
    if meeting.status == Meeting.Status.CANCELLED:
        raise GovernanceError(_("Cette réunion a été annulée."))
    if decision is not None and decision.meeting_id != meeting.pk:
        raise GovernanceError(_("Cette décision n'appartient pas à cette réunion."))
    return FollowUpItem.objects.create(
        meeting=meeting, decision=decision, description=description, owner=owner, due_on=due_on
    )


@transaction.atomic
def set_follow_up_status(user, item_id, status):
    item = FollowUpItem.objects.select_for_update().get(pk=item_id)
    if status not in FollowUpItem.Status.values:
        raise GovernanceError(_("État inconnu."))
    if item.status != status:
        item.status = status
        item.save(update_fields=["status"])
        logger.info("follow-up item %s → %s by user %s", item.pk, status, user.pk)
    return item


def ensure_committees(agreement):
    """Every agreement has its COPIL and its comité technique."""
    for kind in Committee.Kind.values:
        Committee.objects.get_or_create(agreement=agreement, kind=kind)
