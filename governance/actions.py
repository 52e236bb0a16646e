"""What changes in the governance of an agreement: one function per change (the agreement and
its status, the actions of the plan and their status, meetings, decisions, follow-up items).

Views and the API call these; nothing else saves an agreement's, an action's, a meeting's or a
follow-up item's status. Reading its state (cadence, overdue items, the end of the agreement)
is ``governance.queries``.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.audit import Action as AuditAction
from partners.audit import record

from .models import (
    Action,
    Agreement,
    Attendance,
    Committee,
    Decision,
    FollowUpItem,
    Meeting,
)

logger = logging.getLogger(__name__)


class GovernanceError(Exception):
    """A change that is not allowed; its message is shown to the person."""


# --- The agreement and its action plan -------------------------------------------------------


def _changed(instance, fields):
    """Sets ``fields`` on ``instance``; the names of those that changed."""
    changed = []
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def _audit_change(user, object_type, pk, before, after, changed):
    if before != after:
        record(user, AuditAction.TRANSITION, object_type, pk, detail=f"status {before} → {after}")
    elif changed:
        record(user, AuditAction.UPDATE, object_type, pk, detail=",".join(sorted(changed)))


@transaction.atomic
def create_agreement(user, department, fields):
    """A new agreement of ``department`` with its two committees."""
    agreement = Agreement.objects.create(department=department, **fields)
    ensure_committees(agreement)
    record(user, AuditAction.CREATE, "agreement", agreement.pk, detail=f"status {agreement.status}")
    logger.info("agreement %s created by user %s", agreement.pk, user.pk)
    return agreement


@transaction.atomic
def update_agreement(user, agreement_id, fields):
    """Edit an agreement; a change of its status gets its own audit row."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
    before = agreement.status
    changed = _changed(agreement, fields)
    if changed:
        agreement.save(update_fields=changed)
    _audit_change(user, "agreement", agreement.pk, before, agreement.status, changed)
    return agreement


def _partners(action, partners):
    if partners is None or set(action.partner_organisations.all()) == set(partners):
        return []
    action.partner_organisations.set(partners)
    return ["partner_organisations"]


@transaction.atomic
def create_action(user, agreement_id, fields):
    """A new action of the plan (``fields`` may hold ``partner_organisations``)."""
    fields = dict(fields)
    partners = fields.pop("partner_organisations", None)
    agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
    action = Action.objects.create(agreement=agreement, **fields)
    _partners(action, partners)
    record(user, AuditAction.CREATE, "action", action.pk, detail=f"status {action.status}")
    return action


@transaction.atomic
def update_action(user, action_id, fields):
    """Edit an action of the plan; a change of its status gets its own audit row."""
    fields = dict(fields)
    partners = fields.pop("partner_organisations", None)
    action = Action.objects.select_for_update().get(pk=action_id)
    before = action.status
    changed = _changed(action, fields)
    if changed:
        action.save(update_fields=changed)
    changed += _partners(action, partners)
    _audit_change(user, "action", action.pk, before, action.status, changed)
    return action


# --- Meetings and follow-up items ------------------------------------------------------------


def _locked_meeting(meeting_id):
    return Meeting.objects.select_for_update().select_related("committee").get(pk=meeting_id)


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
        item.status_changed_on = timezone.localdate()
        item.save(update_fields=["status", "status_changed_on"])
        logger.info("follow-up item %s → %s by user %s", item.pk, status, user.pk)
    return item


def ensure_committees(agreement):
    """Every agreement has its COPIL and its comité technique."""
    for kind in Committee.STANDING_KINDS:
        Committee.objects.get_or_create(agreement=agreement, kind=kind)
