import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from effects.outbox import EffectTask

from . import importer, retention
from .models import ImportJob

logger = logging.getLogger(__name__)


@shared_task(base=EffectTask, time_limit=1800, soft_time_limit=1700)
def run_import(job_id):
    """Checks then writes an import job (a redelivered task finds it claimed and does nothing)."""
    try:
        importer.run(job_id)
    except Exception:
        logger.exception("beneficiary import %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).exclude(
            status__in=[ImportJob.Status.DONE, ImportJob.Status.REJECTED]
        ).update(status=ImportJob.Status.FAILED, content="", finished_at=timezone.now())


@shared_task
def apply_retention():
    """Daily (Celery beat): anonymises the files inactive for longer than RETENTION_MONTHS."""
    count = retention.run(apply=True)
    logger.info("retention: %s files anonymised", count)
    return count


STUCK_MESSAGE = gettext_noop(
    "Le traitement de l'import a été interrompu (processus arrêté). Rien n'a été importé et le "
    "fichier a été effacé : relancez l'import."
)


@shared_task
def fail_stuck_imports():
    """Celery beat (every 2 minutes): an import whose worker gave no sign of life for
    IMPORT_STALE_SECONDS (it died) is failed with a message and its uploaded text erased. A job
    being written holds its row lock: skipped, it is alive."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    running = [ImportJob.Status.CHECKING, ImportJob.Status.WRITING]
    with transaction.atomic():
        stuck = list(
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(status__in=running, alive_at__lt=cutoff)
            .values_list("pk", flat=True)
        )
        ImportJob.objects.filter(pk__in=stuck, status__in=running).update(
            status=ImportJob.Status.FAILED,
            content="",
            errors=[{"line": 0, "message": STUCK_MESSAGE}],
            finished_at=now,
        )
    for job_id in stuck:
        logger.warning("beneficiary import %s: worker gone, job failed and text erased", job_id)
    return stuck
