import logging

from celery import shared_task
from django.utils import timezone

from . import importer, retention
from .models import ImportJob

logger = logging.getLogger(__name__)


@shared_task(time_limit=1800, soft_time_limit=1700)
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
