"""Changes to a file, one function each (pages and API call them): write, history, audit."""

from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from partners import audit

from .models import BPI_PERMIT_KINDS, UNDER_AGE, Beneficiary, Correction, Interview, name_key
from .validation import years_before

# Referral statuses that count as "open" (the referrals app owns them; it sits above us, so the
# codes are repeated here rather than imported).
OPEN_REFERRAL_STATUSES = ("pending", "accepted", "in_progress")

OBJECT_TYPE = "beneficiary"


def _as_text(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@transaction.atomic
def create_file(user, values, *, channel="web"):
    beneficiary = Beneficiary(
        **values,
        ofii_organisation=user.active_membership.organisation,
        last_activity_at=timezone.now(),
    )
    beneficiary.save()
    audit.record(user, audit.Action.CREATE, OBJECT_TYPE, beneficiary.pk, channel=channel)
    return beneficiary


@transaction.atomic
def correct_file(user, beneficiary_id, values, *, channel="web"):
    """Applies ``values`` to a file and keeps the previous value of every changed field."""
    beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary_id)
    changes = {}
    for field, new in values.items():
        old = getattr(beneficiary, field)
        if old != new:
            changes[field] = {"old": _as_text(old), "new": _as_text(new)}
            setattr(beneficiary, field, new)
    if not changes:
        return beneficiary, {}
    beneficiary.last_activity_at = timezone.now()
    beneficiary.save()
    membership = user.active_membership
    Correction.objects.create(
        beneficiary=beneficiary,
        author=user,
        organisation=membership.organisation if membership else None,
        channel=channel,
        changes=changes,
    )
    audit.record(
        user,
        audit.Action.UPDATE,
        OBJECT_TYPE,
        beneficiary.pk,
        channel=channel,
        detail="fields: " + ",".join(sorted(changes)),
    )
    return beneficiary, changes


def touch(beneficiary_id, at=None):
    """Marks activity on a file (the retention period starts again). Other apps call it too."""
    Beneficiary.objects.filter(pk=beneficiary_id).update(last_activity_at=at or timezone.now())


@transaction.atomic
def record_interview(user, beneficiary, form):
    interview = form.save(commit=False)
    interview.beneficiary = beneficiary
    interview.auditor = user
    interview.organisation = user.active_membership.organisation
    interview.save()
    form.save_m2m()
    touch(beneficiary.pk)
    audit.record(
        user, audit.Action.UPDATE, OBJECT_TYPE, beneficiary.pk, detail=f"interview:{interview.pk}"
    )
    return interview


@transaction.atomic
def record_qualification(user, beneficiary, form):
    qualification = form.save(commit=False)
    qualification.beneficiary = beneficiary
    qualification.save()
    touch(beneficiary.pk)
    audit.record(
        user,
        audit.Action.UPDATE,
        OBJECT_TYPE,
        beneficiary.pk,
        detail=f"qualification:{qualification.pk}",
    )
    return qualification


# --- The list: search, filters, sorting (shared by the page and the exports) -----------------


def with_last_decision(qs):
    """Annotates the SPE decision of the latest personalised interview (one subquery)."""
    latest = (
        Interview.objects.filter(beneficiary=OuterRef("pk"), kind="personalised")
        .order_by("-held_on", "-created_at")
        .values("spe_decision")[:1]
    )
    return qs.annotate(last_spe_decision=Subquery(latest))


def filter_files(qs, filters, today=None):
    """Applies the cleaned data of ``BeneficiaryFilterForm`` to a queryset already scoped."""
    from .forms import SORTS, Public

    today = today or timezone.localdate()
    q = (filters.get("q") or "").strip()
    if q:
        # Every word of the name, in any order, accents and case ignored.
        words = Q(*[Q(search_key__contains=word) for word in name_key(q, "").split()])
        qs = qs.filter(Q(ofii_number__icontains=q) | words)
    if filters.get("permit_kind"):
        qs = qs.filter(permit_kind=filters["permit_kind"])
    publics = set(filters.get("public") or [])
    if Public.WOMEN in publics:
        qs = qs.filter(sex="F")
    if Public.UNDER_26 in publics:
        qs = qs.filter(birth_date__gt=years_before(today, UNDER_AGE))
    if Public.BPI in publics:
        qs = qs.filter(permit_kind__in=BPI_PERMIT_KINDS)
    if Public.RQTH in publics:
        qs = qs.filter(rqth=True)
    if Public.GRADUATES in publics:
        qs = qs.filter(higher_education=True)
    if filters.get("cir_year"):
        qs = qs.filter(cir_signed_on__year=filters["cir_year"])
    if filters.get("french_level"):
        qs = qs.filter(french_level=filters["french_level"])
    if filters.get("spe_decision"):
        qs = qs.filter(
            Exists(
                Interview.objects.filter(
                    beneficiary=OuterRef("pk"), spe_decision=filters["spe_decision"]
                )
            )
        )
    if filters.get("open_referral"):
        # The reverse relation of the referrals app, without importing it.
        with_open = Beneficiary.objects.filter(referrals__status__in=OPEN_REFERRAL_STATUSES).values(
            "pk"
        )
        if filters["open_referral"] == "yes":
            qs = qs.filter(pk__in=with_open)
        else:
            qs = qs.exclude(pk__in=with_open)
    return qs.order_by(*SORTS.get(filters.get("sort") or "nom", SORTS["nom"]))
