"""The inbox: filtering, ordering and counting referrals, all in the database."""

from datetime import timedelta

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils import timezone

from beneficiaries.models import normalise
from core.publics import public_q

from .models import AWAITING_ANSWER_STATUSES, OPEN_STATUSES, Status

# The inbox's default tab: what still needs someone (awaiting an answer, or followed).
OPEN = "open"


def apply_filters(qs, data, now=None):
    """``data``: the cleaned data of ``InboxFilterForm``."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if data.get("q"):
        # The normalised name key of the file: accents and case do not matter.
        for word in normalise(data["q"]).split()[:4]:
            qs = qs.filter(beneficiary__search_key__contains=word)
    if data.get("status") == OPEN:
        qs = qs.open()
    elif data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("overdue"):
        qs = qs.overdue(now)
    assigned = data.get("assigned_to")
    if assigned == "none":
        qs = qs.filter(assigned_to__isnull=True)
    elif assigned:
        qs = qs.filter(assigned_to_id=assigned)
    for public in data.get("public") or ():
        qs = qs.filter(public_q(public, today, prefix="beneficiary__"))
    if data.get("sent_after"):
        qs = qs.filter(sent_at__date__gte=data["sent_after"])
    if data.get("sent_before"):
        qs = qs.filter(sent_at__date__lt=data["sent_before"] + timedelta(days=1))
    return qs


def overdue_first(qs, now=None):
    """Overdue ones first (the most late first), then those awaiting an answer by deadline,
    then the others, the most recent first."""
    now = now or timezone.now()
    return qs.annotate(
        overdue_rank=Case(
            When(status__in=AWAITING_ANSWER_STATUSES, answer_due_at__lt=now, then=Value(0)),
            When(status__in=AWAITING_ANSWER_STATUSES, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        pending_due=Case(When(status__in=AWAITING_ANSWER_STATUSES, then=F("answer_due_at"))),
    ).order_by("overdue_rank", F("pending_due").asc(nulls_last=True), "-sent_at", "-pk")


def counts(qs, now=None):
    """Counts by status, of open ones, overdue ones and unanswered (escalated) ones, in one
    query."""
    now = now or timezone.now()
    awaiting = Q(status__in=AWAITING_ANSWER_STATUSES)
    aggregates = {status.value: Count("pk", filter=Q(status=status)) for status in Status}
    aggregates["overdue"] = Count("pk", filter=awaiting & Q(answer_due_at__lt=now))
    aggregates["unanswered"] = Count("pk", filter=awaiting & Q(escalated_at__isnull=False))
    aggregates["open"] = Count("pk", filter=Q(status__in=OPEN_STATUSES))
    aggregates["total"] = Count("pk")
    return qs.order_by().aggregate(**aggregates)


def for_list(qs):
    return qs.select_related("beneficiary", "to_organisation", "from_organisation", "assigned_to")


NEWS_DAYS = 30


def sender_news(qs, now=None, days=NEWS_DAYS):
    """What partners did on the sender's referrals in the last ``days`` days (accepted, first
    appointment held, closed with an outcome), one aggregate over the transitions."""
    from .models import ReferralEvent

    since = (now or timezone.now()) - timedelta(days=days)
    events = ReferralEvent.objects.filter(
        referral__in=qs, at__gte=since, kind=ReferralEvent.Kind.TRANSITION
    ).exclude(from_status=F("to_status"))
    return events.aggregate(
        accepted=Count("pk", filter=Q(to_status=Status.ACCEPTED)),
        started=Count("pk", filter=Q(to_status=Status.IN_PROGRESS)),
        closed=Count("pk", filter=Q(to_status=Status.CLOSED)),
    )
