"""The caseload ("Mes accompagnements"): the referrals a receiving partner follows (accepted or in
progress), with their last follow-up and their flags, all computed by the database.

Flags: ``appointment_passed`` (accepted, the planned first appointment has passed and was not
recorded), ``stale`` (no follow-up for N days, N per organisation, default 90; counted from the
acceptance when there is none), ``eligibility`` (the 5-year path ends within
``ELIGIBILITY_WARNING_DAYS`` or has ended).
"""

from datetime import timedelta

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from beneficiaries.models import ELIGIBILITY_YEARS, normalise
from core.dates import years_before

from .models import FOLLOWED_STATUSES, CaseloadSettings, FollowUp, Message, Status

ELIGIBILITY_WARNING_DAYS = 90
MINE = "mine"
ORGANISATION = "organisation"
FLAGS = ("appointment_passed", "stale", "eligibility")
# Sort keys of the page and the API (``-`` first: descending; empty values last either way).
SORTS = {
    "name": ("beneficiary__last_name", "beneficiary__first_name"),
    "appointment": ("appointment_at",),
    "last_follow_up": ("last_follow_up_on",),
    "status": ("status",),
    "accepted": ("answered_at",),
}
DEFAULT_SORT = "appointment"


def counsellors(user):
    """The active members of the user's organisation (to assign a referral to)."""
    from partners.models import User

    return list(
        User.objects.filter(
            memberships__organisation_id=user.active_membership.organisation_id,
            memberships__is_active=True,
            is_active=True,
        ).order_by("last_name", "first_name", "pk")
    )


def stale_days(organisation_id):
    value = (
        CaseloadSettings.objects.filter(organisation_id=organisation_id)
        .values_list("stale_after_days", flat=True)
        .first()
    )
    return value or CaseloadSettings.DEFAULT_STALE_DAYS


def followed(qs):
    return qs.filter(status__in=FOLLOWED_STATUSES)


def annotate(qs, organisation_id, *, days, now=None):
    """Adds the last follow-up (date, kind), the unread messages and the three flags."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    last = FollowUp.objects.filter(referral=OuterRef("pk")).order_by("-happened_on", "-pk")
    unread = (
        Message.objects.filter(referral=OuterRef("pk"), read_at__isnull=True)
        .exclude(organisation_id=organisation_id)
        .order_by()
        .values("referral")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = qs.annotate(
        last_follow_up_on=Subquery(last.values("happened_on")[:1]),
        last_follow_up_kind=Subquery(last.values("kind")[:1]),
        unread_count=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
    )
    stale_since = today - timedelta(days=days)
    return qs.annotate(
        flag_appointment_passed=ExpressionWrapper(
            Q(status=Status.ACCEPTED, appointment_at__lt=now), output_field=BooleanField()
        ),
        flag_stale=ExpressionWrapper(
            Q(last_follow_up_on__lt=stale_since)
            | Q(last_follow_up_on__isnull=True, answered_at__date__lt=stale_since),
            output_field=BooleanField(),
        ),
        flag_eligibility=ExpressionWrapper(
            Q(
                beneficiary__first_permit_date__lte=years_before(
                    today + timedelta(days=ELIGIBILITY_WARNING_DAYS), ELIGIBILITY_YEARS
                )
            ),
            output_field=BooleanField(),
        ),
    )


def search(qs, text):
    """By name (accents and case do not matter), OFII file number or France Travail identifier."""
    text = (text or "").strip()
    if not text:
        return qs
    by_name = Q()
    for word in normalise(text).split()[:4]:
        by_name &= Q(beneficiary__search_key__contains=word)
    return qs.filter(
        by_name
        | Q(beneficiary__ofii_number__iexact=text)
        | Q(beneficiary__france_travail_id__iexact=text)
    )


def order(qs, sort):
    """``sort``: a key of ``SORTS``, ``-`` first for descending."""
    sort = sort or DEFAULT_SORT
    descending = sort.startswith("-")
    names = SORTS.get(sort.lstrip("-")) or SORTS[DEFAULT_SORT]
    fields = [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
        for name in (*names, "pk")
    ]
    return qs.order_by(*fields)


def caseload(user, qs, *, tab=MINE, text="", flag="", status="", sort="", now=None):
    """The scoped referrals ``qs`` the user's organisation follows, filtered and annotated."""
    organisation_id = user.active_membership.organisation_id
    qs = annotate(followed(qs), organisation_id, days=stale_days(organisation_id), now=now)
    if tab == MINE:
        qs = qs.filter(assigned_to=user)
    if status in FOLLOWED_STATUSES:
        qs = qs.filter(status=status)
    if flag in FLAGS:
        qs = qs.filter(**{f"flag_{flag}": True})
    return order(search(qs, text), sort)


def counts(user, qs, now=None):
    """Counts for the tabs and flags (the person's own and the organisation's), one query."""
    organisation_id = user.active_membership.organisation_id
    qs = annotate(followed(qs), organisation_id, days=stale_days(organisation_id), now=now)
    mine = Q(assigned_to=user)
    aggregates = {"organisation": Count("pk"), "mine": Count("pk", filter=mine)}
    for flag in FLAGS:
        aggregates[flag] = Count("pk", filter=mine & Q(**{f"flag_{flag}": True}))
        aggregates[f"organisation_{flag}"] = Count("pk", filter=Q(**{f"flag_{flag}": True}))
    return qs.order_by().aggregate(**aggregates)
