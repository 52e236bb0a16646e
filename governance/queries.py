"""Reading the state of an agreement's governance: the end of the agreement, the cadence of its
committees, the overdue follow-up items. Read only: changes are ``governance.actions``."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from core.dates import months_after

from .models import FollowUpItem, Meeting

ENDING_SOON_MONTHS = 6


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
    if end <= months_after(today, ENDING_SOON_MONTHS):
        return ("ending_soon", end)
    return None


def cadence(agreement, year):
    """Each committee with the meetings held, planned and cancelled in the year against the
    required number (one query). ``behind`` when fewer were held than required."""
    committees = agreement.committees.annotate(
        held=Count(
            "meetings", filter=Q(meetings__status=Meeting.Status.HELD, meetings__date__year=year)
        ),
        planned=Count(
            "meetings",
            filter=Q(meetings__status=Meeting.Status.PLANNED, meetings__date__year=year),
        ),
        cancelled=Count(
            "meetings",
            filter=Q(meetings__status=Meeting.Status.CANCELLED, meetings__date__year=year),
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
                "cancelled": committee.cancelled,
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


def open_follow_ups_at(agreement, day):
    """The follow-up items as they stood at the end of ``day``: decided in a meeting held by
    then, due before it, and still open then (open now, or closed after that day)."""
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time()))
    return (
        FollowUpItem.objects.filter(
            meeting__committee__agreement=agreement, meeting__date__lt=end, due_on__lt=day
        )
        .filter(Q(status=FollowUpItem.Status.OPEN) | Q(status_changed_on__gt=day))
        .select_related("owner", "meeting__committee")
        .order_by("due_on", "pk")
    )
