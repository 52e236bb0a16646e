"""Requesting, generating (eager Celery), validating and frozen bilans."""

import hashlib
import re
import subprocess
import zlib
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.formats import date_format

from governance.bilan import actions as bilan
from governance.bilan import render as bilan_pdf
from governance.bilan import snapshot
from governance.bilan.tasks import generate_bilan, request_yearly_bilans
from governance.models import AnnualReport, ReportFrozen
from partners.models import AuditEntry

from .factories import at, copil_meeting, paris_agreement, ready_report, validating_copil

Status = AnnualReport.Status


def pdf_text(report):
    with report.pdf.open("rb") as pdf:
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.read(), capture_output=True, check=True
        ).stdout.decode()
    return " ".join(text.split())


def pdf_pages(report):
    """The text of each page (pdftotext separates pages with a form feed)."""
    with report.pdf.open("rb") as pdf:
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.read(), capture_output=True, check=True
        ).stdout.decode()
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def request(user, agreement, year, capture):
    with capture(execute=True) as callbacks:
        report = bilan.request_report(user, agreement, year)
    report.refresh_from_db()
    return report, callbacks


@pytest.mark.django_db
def test_a_requested_bilan_is_generated_after_commit(
    orgs, prefecture, django_capture_on_commit_callbacks
):
    agreement = paris_agreement(orgs)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = bilan.request_report(prefecture, agreement, 2025)
    # Nothing runs before the transaction commits: the row is there, pending, version 1.
    assert (report.status, report.version, report.requested_by) == (Status.PENDING, 1, prefecture)
    assert len(callbacks) == 1
    callbacks[0]()
    report.refresh_from_db()
    assert report.status == Status.READY, report.error
    assert report.progress == 100 and report.attempts == 1 and report.claimed_until is None
    with report.pdf.open("rb") as pdf:
        content = pdf.read()
    assert content.startswith(b"%PDF")
    assert report.sha256 == hashlib.sha256(content).hexdigest()
    assert report.pdf.name == f"bilans/{agreement.pk}/2025/bilan-75-2025-v1.pdf"
    # The frozen snapshot holds what the document prints.
    assert report.snapshot["department"]["code"] == "75"
    assert (
        report.snapshot["statistics"]["cir_signatories"]
        == snapshot.compute_statistics(agreement.department, 2025)["cir_signatories"]
    )
    assert [s["representative"] for s in report.snapshot["signatories"]][:2] == [
        "Magali CHARBONNEAU",
        "André GENTEUIL",
    ]
    text = pdf_text(report)
    for expected in ["Paris (75)", "Bilan 2025", "André GENTEUIL", "Fatiha MLATI", "Sommaire"]:
        assert expected in text
    assert "Page 3 sur" in text


@pytest.mark.django_db
def test_the_document_shows_governance_and_the_action_plan(
    orgs, prefecture, django_capture_on_commit_callbacks
):
    agreement = paris_agreement(orgs)
    report, _ = request(prefecture, agreement, 2025, django_capture_on_commit_callbacks)
    committees = {c["kind"]: c for c in report.snapshot["committees"]}
    assert (committees["copil"]["held"], committees["copil"]["behind"]) == (2, False)
    assert (committees["technical"]["held"], committees["technical"]["behind"]) == (2, True)
    assert report.snapshot["overdue_items"][0]["owner"] == "France Travail Paris"
    indicators = report.snapshot["actions"][0]["indicators"]
    assert indicators[1] == {
        "name": "Immersions réalisées",
        "unit": "",
        "source": "Saisi",
        "target": 4,
        "value": 2,
        "ceiling": False,
        "reached": False,
        "verdict": "Non atteint",
        "comment": "",
        "previous": None,  # nothing entered for 2024
        "cumulative": 2,
    }
    text = pdf_text(report)
    assert "EN RETARD SUR LA FRÉQUENCE" in text.upper()
    assert "Transmettre le calendrier des immersions" in text
    assert "Immersions réalisées" in text


@pytest.mark.django_db
def test_requesting_again_makes_a_new_version_but_not_while_one_is_in_flight(
    orgs, prefecture, django_capture_on_commit_callbacks
):
    agreement = paris_agreement(orgs)
    first, _ = request(prefecture, agreement, 2025, django_capture_on_commit_callbacks)
    second, _ = request(prefecture, agreement, 2025, django_capture_on_commit_callbacks)
    assert (first.version, second.version) == (1, 2)
    assert second.status == Status.READY
    with django_capture_on_commit_callbacks(execute=False):
        bilan.request_report(prefecture, agreement, 2024)
        with pytest.raises(bilan.ReportError, match="déjà en cours"):
            bilan.request_report(prefecture, agreement, 2024)


@pytest.mark.django_db
def test_a_year_outside_the_agreement_is_refused(orgs, prefecture):
    agreement = paris_agreement(orgs)
    with pytest.raises(bilan.ReportError, match="n'est pas couverte"):
        bilan.request_report(prefecture, agreement, 2019)
    assert not AnnualReport.objects.exists()


@pytest.mark.django_db
def test_the_task_delivered_twice_generates_once(
    orgs, prefecture, django_capture_on_commit_callbacks
):
    agreement = paris_agreement(orgs)
    report, _ = request(prefecture, agreement, 2025, django_capture_on_commit_callbacks)
    generated_at = report.generated_at
    assert generate_bilan.delay(report.pk).get() == "not-claimed"
    report.refresh_from_db()
    assert (report.status, report.attempts, report.generated_at) == (Status.READY, 1, generated_at)
    _, files = default_storage.listdir(f"bilans/{agreement.pk}/2025")
    assert files == ["bilan-75-2025-v1.pdf"]


@pytest.mark.django_db
def test_a_running_report_is_taken_over_only_once_its_claim_has_expired(orgs):
    agreement = paris_agreement(orgs)
    report = AnnualReport.objects.create(
        agreement=agreement,
        year=2025,
        version=1,
        status=Status.RUNNING,
        claimed_until=timezone.now() + timedelta(minutes=5),
        attempts=1,
    )
    assert bilan.claim(report.pk) is False
    AnnualReport.objects.filter(pk=report.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert bilan.claim(report.pk) is True
    report.refresh_from_db()
    assert (report.status, report.attempts) == (Status.RUNNING, 2)
    assert report.claimed_until > timezone.now()


@pytest.mark.django_db
def test_transient_errors_are_retried_then_the_report_fails_with_a_reason(
    orgs, prefecture, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []

    def storage_down(report, pdf):
        calls.append(report.pk)
        raise OSError("storage unavailable")

    from config.celery import app

    store, render_pdf = bilan_pdf.store, bilan_pdf.render_pdf
    monkeypatch.setattr(bilan_pdf, "store", storage_down)
    # The storage fails after the rendering: four real renderings would only cost time.
    monkeypatch.setattr(bilan_pdf, "render_pdf", lambda html: b"%PDF-1.7 not stored")
    agreement = paris_agreement(orgs)
    # In eager mode, Celery runs retries in-process only when errors do not propagate.
    app.conf.task_eager_propagates = False
    try:
        report, _ = request(prefecture, agreement, 2025, django_capture_on_commit_callbacks)
    finally:
        app.conf.task_eager_propagates = True
    assert len(calls) == 4  # the first try and three retries
    assert report.status == Status.FAILED
    assert "n'a pas répondu (4 essais)" in report.error
    assert report.attempts == 4 and not report.pdf
    # It may be requested again.
    monkeypatch.setattr(bilan_pdf, "store", store)
    monkeypatch.setattr(bilan_pdf, "render_pdf", render_pdf)
    again, _ = request(prefecture, agreement, 2025, django_capture_on_commit_callbacks)
    assert (again.version, again.status) == (2, Status.READY)


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_report_at_once(
    orgs, prefecture, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(snapshot):
        raise KeyError("oops")

    monkeypatch.setattr(bilan_pdf, "render_html", broken)
    agreement = paris_agreement(orgs)
    report, _ = request(prefecture, agreement, 2025, django_capture_on_commit_callbacks)
    assert report.status == Status.FAILED
    assert "Erreur inattendue pendant la génération (KeyError)" in report.error
    assert report.attempts == 1


# --- Validation and immutability --------------------------------------------------------------


@pytest.mark.django_db
def test_the_copil_validates_a_ready_report_which_then_never_changes(orgs, prefecture):
    agreement = paris_agreement(orgs)
    report = ready_report(agreement)
    meeting = validating_copil(agreement)
    bilan.validate_report(prefecture, report.pk, meeting)
    report.refresh_from_db()
    assert report.status == Status.VALIDATED
    assert (report.validated_by_meeting, report.validated_by) == (meeting, prefecture)
    assert report.validated_at is not None
    # The validated document replaced the draft: its own file and fingerprint.
    with report.pdf.open("rb") as pdf:
        assert report.sha256 == hashlib.sha256(pdf.read()).hexdigest()
    validated_sha = report.sha256
    report.sha256 = "1" * 64
    with pytest.raises(ReportFrozen):
        report.save()
    with pytest.raises(ReportFrozen):
        report.delete()
    with pytest.raises(ReportFrozen):
        AnnualReport.objects.filter(pk=report.pk).delete()
    # A bulk update raises too (it used to skip the validated row silently).
    with pytest.raises(ReportFrozen):
        AnnualReport.objects.filter(pk=report.pk).update(sha256="2" * 64)
    with pytest.raises(ReportFrozen):
        AnnualReport.objects.filter(agreement=report.agreement).update(step="x")
    with pytest.raises(bilan.ReportError, match="déjà validé"):
        bilan.validate_report(prefecture, report.pk, meeting)
    report.refresh_from_db()
    assert report.sha256 == validated_sha
    # Another version of the same year can no longer be validated.
    other = ready_report(agreement, version=2)
    with pytest.raises(bilan.ReportError, match="Une autre version du bilan 2025 est déjà validée"):
        bilan.validate_report(prefecture, other.pk, meeting)
    # The validation is in the audit log.
    assert AuditEntry.objects.filter(
        object_type="annual_report", object_id=str(report.pk), detail__startswith="validated"
    ).exists()


@pytest.mark.django_db
def test_only_a_ready_report_and_a_held_copil_meeting_of_the_agreement_validate(orgs, prefecture):
    from governance.models import Committee, Meeting

    agreement = paris_agreement(orgs)
    pending = AnnualReport.objects.create(agreement=agreement, year=2025, version=1)
    with pytest.raises(bilan.ReportError, match="Seul un bilan prêt"):
        bilan.validate_report(prefecture, pending.pk, validating_copil(agreement))
    ready = ready_report(agreement, version=2)
    technical = Meeting.objects.filter(committee__kind=Committee.Kind.TECHNICAL).first()
    with pytest.raises(bilan.ReportError, match="réunion tenue du COPIL de cet accord"):
        bilan.validate_report(prefecture, ready.pk, technical)
    planned = validating_copil(agreement)
    Meeting.objects.filter(pk=planned.pk).update(status=Meeting.Status.PLANNED)
    with pytest.raises(bilan.ReportError, match="réunion tenue du COPIL de cet accord"):
        bilan.validate_report(prefecture, ready.pk, planned)
    ready.refresh_from_db()
    assert ready.status == Status.READY


@pytest.mark.django_db
def test_a_copil_held_in_the_year_covered_or_before_the_generation_is_refused(orgs, prefecture):
    agreement = paris_agreement(orgs)
    # Generated on 29/11/2026, as in the issue.
    report = ready_report(agreement, generated_at=at(2026, 11, 29))
    in_the_year = copil_meeting(agreement)  # 20/11/2025, within the year covered
    with pytest.raises(
        bilan.ReportError,
        match=r"Le bilan 2025 ne peut être validé que par un COPIL tenu après la fin de "
        r"l'année 2025 ; la réunion choisie s'est tenue le 20/11/2025\.",
    ):
        bilan.validate_report(prefecture, report.pk, in_the_year)
    before_generation = validating_copil(agreement, when=at(2026, 3, 16))
    with pytest.raises(
        bilan.ReportError,
        match=r"La réunion du COPIL du 16/03/2026 s'est tenue avant la génération de cette "
        r"version \(29/11/2026\)",
    ):
        bilan.validate_report(prefecture, report.pk, before_generation)
    report.refresh_from_db()
    assert report.status == Status.READY
    # The same day as the generation is fine.
    same_day = validating_copil(agreement, when=at(2026, 11, 29, hour=16))
    assert bilan.validate_report(prefecture, report.pk, same_day).status == Status.VALIDATED


@pytest.mark.django_db
def test_a_draft_says_projet_on_every_page_and_the_validated_version_does_not(
    orgs, prefecture, django_capture_on_commit_callbacks
):
    agreement = paris_agreement(orgs)
    report, _ = request(prefecture, agreement, 2025, django_capture_on_commit_callbacks)
    pages = pdf_pages(report)
    assert len(pages) > 3
    assert [page for page in pages if "PROJET — non validé" not in page] == []
    meeting = validating_copil(agreement, when=timezone.now())
    prefecture.first_name, prefecture.last_name = "Claire", "Préfectorale"
    prefecture.save()
    bilan.validate_report(prefecture, report.pk, meeting)
    report.refresh_from_db()
    pages = pdf_pages(report)
    assert [page for page in pages if "PROJET" in page] == []
    text = " ".join(pages)
    held_on = date_format(timezone.localdate(meeting.date), "j F Y")
    assert f"Bilan validé par le comité de pilotage réuni le {held_on}." in text
    assert "validation enregistrée par Claire Préfectorale" in text


@pytest.mark.django_db
def test_the_bilan_is_a_tagged_pdf_in_french(orgs, prefecture, django_capture_on_commit_callbacks):
    agreement = paris_agreement(orgs)
    report, _ = request(prefecture, agreement, 2025, django_capture_on_commit_callbacks)
    with report.pdf.open("rb") as pdf:
        info = subprocess.run(
            ["pdfinfo", "-"], input=pdf.read(), capture_output=True, check=True
        ).stdout.decode()
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    with report.pdf.open("rb") as pdf:
        content = pdf.read()
    # The catalog sits in a compressed object stream: look into every stream.
    streams = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", content, re.S):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    assert any(b"/Lang (fr)" in stream for stream in streams)


# --- Schedule ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_beat_requests_a_draft_of_the_past_year_per_agreement_in_force(
    orgs, django_capture_on_commit_callbacks
):
    from governance.models import Agreement

    agreement = paris_agreement(orgs)
    year = timezone.localdate().year - 1
    Agreement.objects.filter(pk=agreement.pk).update(
        starts_on=agreement.starts_on, ends_on=timezone.localdate() + timedelta(days=400)
    )
    Agreement.objects.create(
        department=agreement.department,
        title="Ancien accord",
        starts_on=agreement.starts_on.replace(year=2015),
        ends_on=agreement.starts_on.replace(year=2019),
        status=Agreement.Status.EXPIRED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        requested = request_yearly_bilans()
    assert len(requested) == 1
    report = AnnualReport.objects.get(pk=requested[0])
    assert (report.agreement, report.year, report.status) == (agreement, year, Status.READY)
    # Run twice (beat fires again, a retry): nothing more.
    assert request_yearly_bilans() == []


def test_the_beat_entry_is_declared(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["yearly-draft-bilans"]
    assert entry["task"] == "governance.tasks.request_yearly_bilans"
    assert entry["schedule"].day_of_month == {15} and entry["schedule"].month_of_year == {1}


@pytest.mark.django_db
def test_reports_nobody_works_on_are_queued_again(orgs, monkeypatch):
    from governance.bilan import tasks

    agreement = paris_agreement(orgs)
    now = timezone.now()
    lost = AnnualReport.objects.create(
        agreement=agreement, year=2025, version=1, requested_at=now - timedelta(minutes=30)
    )
    fresh = AnnualReport.objects.create(agreement=agreement, year=2024, version=1)
    dead = AnnualReport.objects.create(
        agreement=agreement,
        year=2023,
        version=1,
        status=Status.RUNNING,
        claimed_until=now - timedelta(seconds=5),
    )
    alive = AnnualReport.objects.create(
        agreement=agreement,
        year=2023,
        version=2,
        status=Status.RUNNING,
        claimed_until=now + timedelta(minutes=5),
    )
    queued = []
    monkeypatch.setattr(tasks.generate_bilan, "delay", queued.append)
    assert sorted(tasks.requeue_stale_bilans()) == sorted([lost.pk, dead.pk])
    assert sorted(queued) == sorted([lost.pk, dead.pk])
    assert fresh.pk not in queued and alive.pk not in queued
