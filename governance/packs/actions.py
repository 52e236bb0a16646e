"""Requesting a meeting pack. The worker's side (claim, advance, complete, fail) is the bilan's
(``governance.bilan.actions`` with ``model=MeetingPack``)."""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..bilan import background
from ..bilan.actions import IN_FLIGHT, ReportError
from ..models import Meeting, MeetingPack
from ..statistics.periods import Period

logger = logging.getLogger(__name__)


def previous_meeting(meeting):
    """The last meeting held of the same committee before this one, or None."""
    return (
        Meeting.objects.filter(
            committee=meeting.committee_id, status=Meeting.Status.HELD, date__lt=meeting.date
        )
        .order_by("-date")
        .first()
    )


def pack_period(meeting, today=None):
    """The days the pack's figures cover: from the committee's previous meeting (else the
    start of the year, or of the agreement) to the meeting (or today, if it comes later)."""
    today = today or timezone.localdate()
    previous = previous_meeting(meeting)
    held_on = timezone.localdate(meeting.date)
    if previous is not None:
        start = timezone.localdate(previous.date)
    else:
        start = max(meeting.committee.agreement.starts_on, dt.date(held_on.year, 1, 1))
    end = max(min(held_on, today), start)
    return Period(start, end)


def request_pack(user, meeting):
    """A new version of the meeting's pack (pending); generated after commit."""
    from ..bilan.tasks import generate_pack

    if meeting.status == Meeting.Status.CANCELLED:
        raise ReportError(_("Cette réunion est annulée : elle n'a pas de dossier de séance."))
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        packs = MeetingPack.objects.filter(meeting=meeting)
        if packs.filter(status__in=IN_FLIGHT).exists():
            raise ReportError(_("Un dossier de séance est déjà en cours de génération."))
        period = pack_period(meeting)
        pack = MeetingPack.objects.create(
            meeting=meeting,
            version=(packs.aggregate(last=Max("version"))["last"] or 0) + 1,
            period_start=period.start,
            period_end=period.end,
            step=_("En attente d'un processus de génération"),
            requested_by=user,
        )
        logger.info("meeting pack %s requested (meeting %s)", pack.pk, meeting.pk)
        background.queue_after_commit(generate_pack, pack.pk, key=f"pack-{pack.pk}")
    return pack


def latest_ready(meeting):
    return (
        MeetingPack.objects.filter(meeting=meeting, status=MeetingPack.Status.READY)
        .order_by("-version")
        .first()
    )
