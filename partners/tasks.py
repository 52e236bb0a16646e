from celery import shared_task
from django.utils import timezone

from .models import ServiceHeartbeat


@shared_task
def heartbeat(name="worker"):
    """Records that a worker is alive; /health/ reports the age of the last beat."""
    ServiceHeartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})


@shared_task
def purge_audit():
    """Nightly (beat): deletes audit rows older than ``AUDIT_RETENTION_MONTHS``."""
    from . import audit

    return audit.purge(apply=True)
