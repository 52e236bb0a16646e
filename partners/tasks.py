from datetime import datetime

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from effects.outbox import EffectTask

from .models import ServiceHeartbeat


@shared_task
def heartbeat(name="worker"):
    """Records that a worker is alive; /health/ reports the age of the last beat."""
    ServiceHeartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})


@shared_task(base=EffectTask, forget_args=True)
def send_invitation_email(email, link, expires_at):
    """The invitation e-mail: the link and its expiry, no personal data."""
    context = {"link": link, "expires_at": datetime.fromisoformat(expires_at)}
    send_mail(
        subject=_("Invitation à rejoindre Passerelle"),
        message=render_to_string("partners/invitation_email.txt", context),
        from_email=None,
        recipient_list=[email],
    )


@shared_task(base=EffectTask, forget_args=True)
def send_account_email(email, subject, body):
    """An e-mail about the person's own account (the password reset link), written when it was
    asked for: the link, never personal data of anyone else."""
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[email])


@shared_task
def purge_audit():
    """Nightly (beat): deletes audit rows older than ``AUDIT_RETENTION_MONTHS``."""
    from . import audit

    return audit.purge(apply=True)


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
