"""Retention (RGPD): files inactive for longer than ``settings.RETENTION_MONTHS`` are anonymised.

Only what the statistics need is kept: sex, birth year (the date becomes 1 January of that year,
so the age band stays), nationality, permit kind, the path's dates, French level, RQTH, higher
education and the OFII directorate. Names, contact details, free text and the history of
corrections are erased. Interviews keep their kind, date, levels, hours and SPE decision, but
lose their notes. An anonymised file is never opened again (``visible_to`` excludes it).

Apps above this one (referrals) register their own eraser with ``register(function)``; it takes
a queryset of the beneficiaries being anonymised.
"""

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, TruncYear
from django.utils import timezone

from partners import audit

from .models import Beneficiary, Correction, Interview, Qualification

ERASERS = []
BATCH_SIZE = 500


def register(eraser):
    if eraser not in ERASERS:
        ERASERS.append(eraser)
    return eraser


def cutoff(now=None):
    return (now or timezone.now()) - relativedelta(months=settings.RETENTION_MONTHS)


def stale_files(now=None):
    """Files not yet anonymised whose last activity is older than the retention period."""
    return Beneficiary.objects.filter(
        anonymised_at__isnull=True, last_activity_at__lt=cutoff(now)
    ).order_by("pk")


@transaction.atomic
def anonymise(ids, now=None):
    """Anonymises the files ``ids`` (one transaction); returns how many were."""
    now = now or timezone.now()
    files = Beneficiary.objects.select_for_update().filter(pk__in=ids, anonymised_at__isnull=True)
    ids = list(files.values_list("pk", flat=True))
    if not ids:
        return 0
    files = Beneficiary.objects.filter(pk__in=ids)
    for eraser in ERASERS:
        eraser(files)
    Interview.objects.filter(beneficiary_id__in=ids).update(
        family_situation="", social_situation="", professional_situation="", notes=""
    )
    Interview.resources.through.objects.filter(interview__beneficiary_id__in=ids).delete()
    Qualification.objects.filter(beneficiary_id__in=ids).update(title="—")
    Correction.objects.filter(beneficiary_id__in=ids).delete()
    files.update(
        birth_date=TruncYear("birth_date"),
        ofii_number=Concat(Value("ANON-"), F("pk")),
        last_name="",
        first_name="",
        search_key="",
        commune="",
        postcode="",
        email="",
        phone="",
        france_travail_id="",
        education_level="",
        languages=[],
        professional_experience="",
        target_jobs=[],
        anonymised_at=now,
    )
    audit.record_many(None, audit.Action.ANONYMISE, "beneficiary", ids, channel="job")
    return len(ids)


def run(*, apply=False, now=None):
    """How many files are (or, without ``apply``, would be) anonymised."""
    ids = list(stale_files(now).values_list("pk", flat=True))
    if not apply:
        return len(ids)
    done = 0
    for start in range(0, len(ids), BATCH_SIZE):
        done += anonymise(ids[start : start + BATCH_SIZE], now=now)
    return done
