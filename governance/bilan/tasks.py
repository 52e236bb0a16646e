"""Celery tasks of the governance app: the annual bilan.

``generate_bilan`` is safe to run twice. It takes the report's id, claims the row atomically
(``actions.claim``), and only the worker holding the claim renders and writes. It is acknowledged
late and rejected (so redelivered) when its worker dies; its time limits stay below the broker's
visibility timeout (settings.BILAN_TIME_LIMIT < BROKER_VISIBILITY_TIMEOUT), and its claim outlives
the hard time limit, so a live worker is never overtaken. A worker killed in the middle stops
renewing its claim: the redelivered task, on another worker, takes the report over once the claim
has expired and writes the same file name.
"""

import logging
import time
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from ..models import Agreement, AnnualReport, MeetingPack
from . import actions

logger = logging.getLogger(__name__)

# Errors worth another try: the database or the file storage did not answer.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)
MAX_RETRIES = 3
# Retry backoff in seconds: 30, 60, 120 (jittered by Celery).
RETRY_BACKOFF = 30


def _fault_pause(step):
    """Test-only fault injection (settings.BILAN_FAULT_PAUSE = "<step>:<seconds>")."""
    spec = getattr(settings, "BILAN_FAULT_PAUSE", "")
    if spec and spec.partition(":")[0] == step:
        seconds = float(spec.partition(":")[2] or 60)
        logger.warning("bilan fault injection: pausing %ss at step %s", seconds, step)
        time.sleep(seconds)


# The names stay those of the former governance.tasks module (beat schedule, queued messages).
@shared_task(
    name="governance.tasks.generate_bilan",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.BILAN_TIME_LIMIT,
    soft_time_limit=max(settings.BILAN_TIME_LIMIT - 30, int(settings.BILAN_TIME_LIMIT * 0.8)),
    max_retries=MAX_RETRIES,
)
def generate_bilan(self, report_id):
    from . import render

    return _run(self, generate_bilan, report_id, AnnualReport, render.generate)


@shared_task(
    name="governance.tasks.generate_pack",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.BILAN_TIME_LIMIT,
    soft_time_limit=max(settings.BILAN_TIME_LIMIT - 30, int(settings.BILAN_TIME_LIMIT * 0.8)),
    max_retries=MAX_RETRIES,
)
def generate_pack(self, pack_id):
    """The "dossier de séance" of a meeting: the same machinery as the bilan."""
    from ..packs import render

    return _run(self, generate_pack, pack_id, MeetingPack, render.generate)


def _run(self, task, report_id, model, produce):
    """Claim, produce (advancing), complete — or fail with a French reason, or retry."""
    if not actions.claim(report_id, model=model):
        remaining = actions.claim_expires_in(report_id, model=model)
        if remaining is not None and not self.request.is_eager:
            # Another worker holds the report. If it dies, its claim expires: look again then,
            # as a new message (this is not a retry of ours).
            logger.info(
                "%s %s held by another worker; looking again later", model.__name__, report_id
            )
            task.apply_async((report_id,), countdown=remaining + 1)
        return "not-claimed"
    with override(settings.LANGUAGE_CODE):
        try:
            produce(report_id, on_step=_on_step(report_id, model))
        except SoftTimeLimitExceeded:
            actions.fail(
                report_id,
                _(
                    "La génération a dépassé le temps imparti (%(minutes)s minutes). "
                    "Vous pouvez demander une nouvelle génération."
                )
                % {"minutes": settings.BILAN_TIME_LIMIT // 60},
                model=model,
            )
            return "failed"
        except TRANSIENT_ERRORS as error:
            if self.request.retries >= self.max_retries:
                logger.exception("%s %s: transient error, no retry left", model.__name__, report_id)
                actions.fail(
                    report_id,
                    _(
                        "La base de données ou le stockage des fichiers n'a pas répondu "
                        "(%(tries)s essais). Vous pouvez demander une nouvelle génération."
                    )
                    % {"tries": self.request.retries + 1},
                    model=model,
                )
                return "failed"
            logger.warning(
                "%s %s: transient error %s, retrying", model.__name__, report_id, type(error)
            )
            actions.release(report_id, _("Nouvel essai après une erreur passagère"), model=model)
            raise self.retry(
                exc=error, countdown=RETRY_BACKOFF * 2**self.request.retries
            ) from error
        except Exception as error:
            logger.exception("%s %s: generation failed", model.__name__, report_id)
            actions.fail(
                report_id,
                _(
                    "Erreur inattendue pendant la génération (%(kind)s). L'équipe technique "
                    "en a été informée ; vous pouvez demander une nouvelle génération."
                )
                % {"kind": type(error).__name__},
                model=model,
            )
            return "failed"
    return "ready"


def _on_step(report_id, model=AnnualReport):
    def on_step(key, progress, label):
        actions.advance(report_id, progress, label, model=model)
        _fault_pause(key)

    return on_step


@shared_task(name="governance.tasks.request_yearly_bilans")
def request_yearly_bilans():
    """Celery beat (15 January by default): a draft bilan of the past year per agreement in force.

    Idempotent: an agreement that already has a bilan of that year (not failed) is left alone.
    """
    today = timezone.localdate()
    year = today.year - 1
    requested = []
    agreements = Agreement.objects.filter(
        status=Agreement.Status.IN_FORCE, starts_on__lte=today, ends_on__gte=today
    )
    for agreement in agreements:
        existing = AnnualReport.objects.filter(agreement=agreement, year=year).exclude(
            status=AnnualReport.Status.FAILED
        )
        if existing.exists():
            continue
        try:
            with override(settings.LANGUAGE_CODE):
                report = actions.request_report(None, agreement, year)
        except (actions.ReportError, DatabaseError):
            logger.exception("yearly bilan of agreement %s not requested", agreement.pk)
            continue
        requested.append(report.pk)
    return requested


@shared_task(name="governance.tasks.requeue_stale_bilans")
def requeue_stale_bilans():
    """Celery beat (every 10 minutes): queues again the reports nobody works on — pending for
    10 minutes (the message was lost: broker down when it was queued), or running with an
    expired claim (the worker died and the broker did not hand the task over). Harmless for the
    others: the task claims the row first."""
    now = timezone.now()
    stale = list(
        AnnualReport.objects.filter(
            Q(status=AnnualReport.Status.PENDING, requested_at__lt=now - timedelta(minutes=10))
            | Q(status=AnnualReport.Status.RUNNING, claimed_until__lt=now)
        ).values_list("pk", flat=True)
    )
    for report_id in stale:
        generate_bilan.delay(report_id)
    return stale
