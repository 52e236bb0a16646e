"""Retention (RGPD): files inactive for longer than ``settings.RETENTION_MONTHS`` are anonymised.

This module selects the files and runs the job (``run``, the command and the beat task); what is
kept and erased is ``actions.anonymise``.
"""

from django.conf import settings
from django.utils import timezone

from core.dates import months_before

from . import actions
from .models import Beneficiary

BATCH_SIZE = 500


def cutoff(now=None):
    return months_before(now or timezone.now(), settings.RETENTION_MONTHS)


def stale_files(now=None):
    """Files not yet anonymised whose last activity is older than the retention period."""
    return Beneficiary.objects.filter(
        anonymised_at__isnull=True, last_activity_at__lt=cutoff(now)
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
