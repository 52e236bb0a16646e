from celery import shared_task
from django.utils import timezone

from .models import ServiceHeartbeat


@shared_task
def heartbeat(name="worker"):
    """Records that a worker is alive; /health/ reports the age of the last beat."""
    ServiceHeartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})


@shared_task(acks_late=True)
def run_export(job_id):
    """Writes an export job's file (``partners.exports.run``)."""
    from . import exports

    exports.run(job_id)


@shared_task
def purge_exports():
    """Deletes the export files whose download time is over."""
    from . import exports

    return exports.purge()
