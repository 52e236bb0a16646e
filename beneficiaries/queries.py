"""Read helpers of the files list (the page and its exports): search, filters, sorting."""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from core.dates import months_after, months_before, years_before
from core.publics import public_q

from .models import ELIGIBILITY_YEARS, Interview, InterviewKind, name_key

# The eligibility horizon: files whose five-year path ends within this many months.
HORIZON_MONTHS = 6
# The CIR lasts a year: its end-of-CIR interview is due from this many months after signing…
END_OF_CIR_FROM_MONTHS = 10
# …and the worklist stops looking this long after signing.
END_OF_CIR_UNTIL_MONTHS = 24

SORTS = {
    "nom": ("last_name", "first_name", "pk"),
    "-nom": ("-last_name", "-first_name", "-pk"),
    "cir": ("cir_signed_on", "pk"),
    "-cir": ("-cir_signed_on", "-pk"),
    "naissance": ("birth_date", "pk"),
    "-naissance": ("-birth_date", "-pk"),
    "numero": ("ofii_number",),
    "-numero": ("-ofii_number",),
    "-cree": ("-created_at", "-pk"),
}

# The referrals app sits above this one: on ready it registers the query of the files with an
# open referral (its status group), so that the codes are not repeated here.
OPEN_REFERRAL_FILES = []


def register_open_referral_files(query):
    """``query()``: a queryset of beneficiary ids with an open referral."""
    OPEN_REFERRAL_FILES[:] = [query]
    return query


def search_q(text):
    """A file number (it holds a digit) is looked up exactly, as stored (upper case): the unique
    index answers. Otherwise every word of the name, in any order, accents and case ignored:
    ``search_key LIKE '%word%'``, which the trigram index serves on PostgreSQL."""
    if any(char.isdigit() for char in text):
        return Q(ofii_number=text.upper())
    return Q(*[Q(search_key__contains=word) for word in name_key(text, "").split()])


def with_last_decision(qs):
    """Annotates the SPE decision of the latest personalised interview (one subquery)."""
    latest = (
        Interview.objects.filter(beneficiary=OuterRef("pk"), kind="personalised")
        .order_by("-held_on", "-created_at")
        .values("spe_decision")[:1]
    )
    return qs.annotate(last_spe_decision=Subquery(latest))


def filter_files(qs, filters, today=None):
    """Applies the cleaned data of ``BeneficiaryFilterForm`` to a queryset already scoped, with
    the latest SPE decision annotated."""
    today = today or timezone.localdate()
    qs = with_last_decision(qs)
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(search_q(q))
    if filters.get("permit_kind"):
        qs = qs.filter(permit_kind=filters["permit_kind"])
    for public in sorted(set(filters.get("public") or [])):
        qs = qs.filter(public_q(public, today))
    if filters.get("cir_year"):
        qs = qs.filter(cir_signed_on__year=filters["cir_year"])
    if filters.get("french_level"):
        qs = qs.filter(french_level=filters["french_level"])
    if filters.get("spe_decision"):
        # The decision of the latest personalised interview, as the list shows it.
        qs = qs.filter(last_spe_decision=filters["spe_decision"])
    if filters.get("horizon"):
        qs = ending_soon(qs, today)
    if filters.get("open_referral") and OPEN_REFERRAL_FILES:
        with_open = OPEN_REFERRAL_FILES[0]()
        if filters["open_referral"] == "yes":
            qs = qs.filter(pk__in=with_open)
        else:
            qs = qs.exclude(pk__in=with_open)
    return qs.order_by(*SORTS.get(filters.get("sort") or "nom", SORTS["nom"]))


def ending_soon(qs, today=None):
    """Files whose five-year path (from the first permit) is still running and ends within
    ``HORIZON_MONTHS``."""
    today = today or timezone.localdate()
    started_after = years_before(today, ELIGIBILITY_YEARS)
    return qs.filter(
        first_permit_date__gte=started_after,
        first_permit_date__lt=months_after(started_after, HORIZON_MONTHS),
    )


def end_of_cir_due(qs, today=None):
    """Files due for their end-of-CIR interview: CIR signed 10 to 24 months ago, no end-of-CIR
    interview yet; the oldest CIR first."""
    today = today or timezone.localdate()
    done = Interview.objects.filter(beneficiary=OuterRef("pk"), kind=InterviewKind.END_OF_CIR)
    return (
        qs.filter(
            cir_signed_on__lte=months_before(today, END_OF_CIR_FROM_MONTHS),
            cir_signed_on__gt=months_before(today, END_OF_CIR_UNTIL_MONTHS),
        )
        .filter(~Exists(done))
        .order_by("cir_signed_on", "pk")
    )
