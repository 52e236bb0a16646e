"""The annual bilan: request, generation bookkeeping, validation by the COPIL, versions.

Every state change of an ``AnnualReport`` goes through one function of this module:

    request_report        — (new row) pending, the generation task queued after commit
    claim                 — pending (or running with an expired claim) → running, by a worker
    release               — running → pending, before a retry after a transient error
    advance               — running: progress and step; extends the worker's claim
    complete              — running → ready, with the file, its SHA-256 and the frozen figures
    fail                  — pending/running → failed, with a readable French reason
    validate_report       — ready → validated, by a held COPIL meeting of the same agreement,
                            on or after the generation and after the end of the year covered

A validated report never changes again (here, in ``AnnualReport.save``/``delete``, and in the
admin). Generating again makes a new version.
"""

import hashlib
import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.audit import Action as AuditAction
from partners.audit import record

from ..models import Agreement, AnnualReport, Committee, Meeting
from . import background

logger = logging.getLogger(__name__)

Status = AnnualReport.Status
IN_FLIGHT = (Status.PENDING, Status.RUNNING)


class ReportError(Exception):
    """A state change that is not allowed; the message is French, for the person."""


def _log_name(model):
    """How the logs name a generated document: "bilan 12", "pack 3"."""
    return "bilan" if model is AnnualReport else "pack"


def claim_seconds():
    """How long a worker holds a report without news before another may take it over.

    Longer than the task's hard time limit: a live worker is killed by its time limit before
    anyone else may take its report.
    """
    return settings.BILAN_CLAIM_SECONDS


def years_for(agreement):
    """The years a bilan may be requested for: those of the agreement, up to the current one."""
    last = min(agreement.ends_on.year, timezone.localdate().year)
    return list(range(last, agreement.starts_on.year - 1, -1))


def versions(agreement, year):
    """Every version of the bilan of ``agreement`` for ``year``, newest first."""
    return AnnualReport.objects.filter(agreement=agreement, year=year).select_related(
        "validated_by_meeting", "requested_by"
    )


def validated_version(agreement, year):
    return (
        AnnualReport.objects.filter(agreement=agreement, year=year, status=Status.VALIDATED)
        .order_by("-version")
        .first()
    )


def request_report(user, agreement, year):
    """Creates the next version of the bilan (pending) and queues its generation after commit."""
    from .tasks import generate_bilan

    if year not in years_for(agreement):
        raise ReportError(
            _("L'année %(year)s n'est pas couverte par l'accord ou n'a pas commencé.")
            % {"year": year}
        )
    with transaction.atomic():
        # Serialises requests on the agreement: two clicks never get the same version number.
        Agreement.objects.select_for_update().get(pk=agreement.pk)
        reports = AnnualReport.objects.filter(agreement=agreement, year=year)
        if reports.filter(status__in=IN_FLIGHT).exists():
            raise ReportError(
                _("Un bilan %(year)s est déjà en cours de génération pour cet accord.")
                % {"year": year}
            )
        last = reports.aggregate(last=Max("version"))["last"] or 0
        report = AnnualReport.objects.create(
            agreement=agreement,
            year=year,
            version=last + 1,
            status=Status.PENDING,
            step=_("En attente d'un processus de génération"),
            requested_by=user,
        )
        logger.info("bilan %s requested (agreement %s, year %s)", report.pk, agreement.pk, year)
        background.queue_after_commit(generate_bilan, report.pk, key=f"bilan-{report.pk}")
    return report


# --- The worker's side ---------------------------------------------------------------------


def claim(report_id, model=AnnualReport):
    """Takes the report for this worker; False if someone else holds it or it is done.

    One UPDATE: a pending report, or a running one whose worker stopped renewing its claim (it
    died). A second delivery of the same task finds the row running (or ready) and does nothing.
    """
    now = timezone.now()
    taken = (
        model.objects.filter(pk=report_id)
        .filter(Q(status=Status.PENDING) | Q(status=Status.RUNNING, claimed_until__lt=now))
        .update(
            status=Status.RUNNING,
            claimed_until=now + timedelta(seconds=claim_seconds()),
            started_at=now,
            progress=0,
            step=_("Démarrage"),
            error="",
            # The number of workers that started this report (a takeover counts).
            attempts=F("attempts") + 1,
        )
    )
    if taken:
        logger.info("%s %s claimed", _log_name(model), report_id)
    return bool(taken)


def claim_expires_in(report_id, model=AnnualReport):
    """Seconds until the current claim on a running report expires (None if not running)."""
    report = model.objects.filter(pk=report_id, status=Status.RUNNING).first()
    if report is None or report.claimed_until is None:
        return None
    return max(0.0, (report.claimed_until - timezone.now()).total_seconds())


def advance(report_id, progress, step, model=AnnualReport):
    """Records the step in progress and renews the claim (the worker is alive)."""
    model.objects.filter(pk=report_id, status=Status.RUNNING).update(
        progress=progress,
        step=step,
        claimed_until=timezone.now() + timedelta(seconds=claim_seconds()),
    )


def release(report_id, step, model=AnnualReport):
    """Running → pending after a transient error: the retry of the task claims it again."""
    model.objects.filter(pk=report_id, status=Status.RUNNING).update(
        status=Status.PENDING, step=step, claimed_until=None
    )


def complete(report_id, file_name, sha256, snapshot, model=AnnualReport, **files):
    """Running → ready with the PDF (and, for a meeting pack, ``xlsx=<name>``)."""
    with transaction.atomic():
        report = model.objects.select_for_update().get(pk=report_id)
        if report.status != Status.RUNNING:
            return False
        report.status = Status.READY
        report.pdf.name = file_name
        for field, name in files.items():
            getattr(report, field).name = name
        report.sha256 = sha256
        report.snapshot = snapshot
        report.generated_at = timezone.now()
        report.progress = 100
        report.step = _("Terminé")
        report.claimed_until = None
        report.error = ""
        report.save()
    logger.info("%s %s ready", _log_name(model), report_id)
    return True


def fail(report_id, reason, model=AnnualReport):
    """The report could not be generated; it may be requested again (a new version)."""
    with transaction.atomic():
        report = model.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status not in IN_FLIGHT:
            return False
        report.status = Status.FAILED
        report.error = reason
        report.step = _("Échec")
        report.claimed_until = None
        report.save()
    logger.warning("%s %s failed", model.__name__, report_id)
    return True


# --- Validation by the COPIL -----------------------------------------------------------------


def copil_meetings(agreement):
    """The COPIL meetings held of ``agreement``."""
    return Meeting.objects.filter(
        committee__agreement=agreement,
        committee__kind=Committee.Kind.COPIL,
        status=Meeting.Status.HELD,
    ).order_by("-date")


def earliest_validation_day(report):
    """A COPIL validates a bilan on or after the day it was generated, and after the end of the
    year it covers."""
    generated_on = timezone.localdate(report.generated_at) if report.generated_at else None
    after_year = date(report.year + 1, 1, 1)
    return max(generated_on, after_year) if generated_on else after_year


def eligible_meetings(report):
    """The COPIL meetings that may validate ``report`` (``validate_report``'s rules)."""
    earliest = timezone.make_aware(datetime.combine(earliest_validation_day(report), time()))
    return copil_meetings(report.agreement_id).filter(date__gte=earliest)


def refusal(report, meeting):
    """Why ``meeting`` may not validate ``report`` (a French sentence), or None."""
    if not copil_meetings(report.agreement_id).filter(pk=meeting.pk).exists():
        return _("La validation doit être faite par une réunion tenue du COPIL de cet accord.")
    held_on = timezone.localdate(meeting.date)
    if held_on.year <= report.year:
        return _(
            "Le bilan %(year)s ne peut être validé que par un COPIL tenu après la fin de "
            "l'année %(year)s ; la réunion choisie s'est tenue le %(held)s."
        ) % {"year": report.year, "held": held_on.strftime("%d/%m/%Y")}
    generated_on = timezone.localdate(report.generated_at)
    if held_on < generated_on:
        return _(
            "La réunion du COPIL du %(held)s s'est tenue avant la génération de cette version "
            "(%(generated)s) : elle ne peut pas l'avoir validée."
        ) % {"held": held_on.strftime("%d/%m/%Y"), "generated": generated_on.strftime("%d/%m/%Y")}
    return None


def validate_report(user, report_id, meeting):
    """Marks a ready report as validated by a COPIL meeting of the same agreement, held on or
    after its generation and after the end of the year covered: the validated PDF (with the
    meeting's date and who validated it) replaces the draft, and the bilan never changes again."""
    from . import render

    with transaction.atomic():
        report = (
            AnnualReport.objects.select_for_update()
            .select_related("agreement__department")
            .get(pk=report_id)
        )
        if report.status == Status.VALIDATED:
            raise ReportError(_("Ce bilan est déjà validé par le COPIL."))
        if report.status != Status.READY:
            raise ReportError(_("Seul un bilan prêt peut être validé."))
        if validated_version(report.agreement_id, report.year) is not None:
            raise ReportError(
                _("Une autre version du bilan %(year)s est déjà validée.") % {"year": report.year}
            )
        refused = refusal(report, meeting)
        if refused:
            raise ReportError(refused)
        now = timezone.now()
        snapshot = dict(report.snapshot or {})
        snapshot["validation"] = {
            "meeting_date": timezone.localdate(meeting.date).isoformat(),
            "meeting_place": meeting.place,
            "validated_by": user.get_full_name() or user.email,
            "validated_on": timezone.localdate(now).isoformat(),
        }
        pdf = render.render_pdf(render.render_html(snapshot))
        report.pdf.name = render.store(report, pdf, validated=True)
        report.sha256 = hashlib.sha256(pdf).hexdigest()
        report.snapshot = snapshot
        report.status = Status.VALIDATED
        report.validated_by_meeting = meeting
        report.validated_by = user
        report.validated_at = now
        report.save()
        record(
            user,
            AuditAction.TRANSITION,
            "annual_report",
            report.pk,
            detail=f"validated meeting={meeting.pk}",
        )
    logger.info("bilan %s validated by meeting %s", report.pk, meeting.pk)
    return report


def record_download(user, report, channel="web"):
    record(user, AuditAction.DOWNLOAD, "annual_report", report.pk, channel=channel)
