"""Retention (RGPD): files inactive for longer than ``settings.RETENTION_MONTHS`` are anonymised.

The clock starts at the later of the file's last activity and the end of its five-year path: a
file whose path is still running is never anonymised, however quiet it is.

This module selects the files and runs the job (``run``, the command and the beat task); what is
kept and erased is ``actions.anonymise``.
"""

from django.conf import settings
from django.utils import timezone

from core.dates import months_before, years_before

from . import actions
from .models import ELIGIBILITY_YEARS, Beneficiary

BATCH_SIZE = 500


def cutoff(now=None):
    return months_before(now or timezone.now(), settings.RETENTION_MONTHS)


def stale_files(now=None):
    """Files not yet anonymised whose last activity and end of path are both older than the
    retention period."""
    limit = cutoff(now)
    path_ended_before = years_before(timezone.localdate(limit), ELIGIBILITY_YEARS)
    return Beneficiary.objects.filter(
        anonymised_at__isnull=True,
        last_activity_at__lt=limit,
        first_permit_date__lt=path_ended_before,
    ).order_by("pk")


def run(*, apply=False, now=None):
    """How many files are (or, without ``apply``, would be) anonymised."""
    ids = list(stale_files(now).values_list("pk", flat=True))
    if not apply:
        return len(ids)
    done = 0
    for start in range(0, len(ids), BATCH_SIZE):
        done += actions.anonymise(ids[start : start + BATCH_SIZE], now=now)
    return done
