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


STOPPED_MESSAGE = gettext_noop(
    "L'import a été arrêté par l'administrateur de la plateforme. Rien n'a été importé et le "
    "fichier a été effacé : relancez l'import."
)


def fail_imports(jobs, *, message):
    """Fails the unfinished imports among ``jobs`` (a queryset): ``message`` shown on the job's
    page, its uploaded text erased. A job being written holds its row lock: skipped, it is alive.
    Returns the ids failed."""
    unfinished = [ImportJob.Status.PENDING, ImportJob.Status.CHECKING, ImportJob.Status.WRITING]
    with transaction.atomic():
        failed = list(
            jobs.select_for_update(skip_locked=True)
            .filter(status__in=unfinished)
            .values_list("pk", flat=True)
        )
        ImportJob.objects.filter(pk__in=failed).update(
            status=ImportJob.Status.FAILED,
            content="",
            errors=[{"line": 0, "message": message}],
            finished_at=timezone.now(),
        )
    return failed


@shared_task
def fail_stuck_imports():
    """Celery beat (every 2 minutes): an import whose worker gave no sign of life for
    IMPORT_STALE_SECONDS (it died) is failed with a message and its uploaded text erased."""
    cutoff = timezone.now() - timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    running = [ImportJob.Status.CHECKING, ImportJob.Status.WRITING]
    stuck = fail_imports(
        ImportJob.objects.filter(status__in=running, alive_at__lt=cutoff), message=STUCK_MESSAGE
    )
    for job_id in stuck:
        logger.warning("beneficiary import %s: worker gone, job failed and text erased", job_id)
    return stuck
