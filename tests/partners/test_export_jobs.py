"""Exports of any size (issue "Scale"): above settings.EXPORT_JOB_THRESHOLD rows the list is
written by a background job, with progress, audited once, downloadable by its requester only for
a limited time; nothing is cut."""

import csv
import datetime
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary
from partners import exports
from partners.models import AuditEntry, ExportJob

from ..factories import BeneficiaryFactory, ReferralFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def many_files(organisation, count):
    """``count`` plain files, written in bulk (the export, not the factory, is under test)."""
    Beneficiary.objects.bulk_create(
        (
            Beneficiary(
                ofii_number=f"75-2025-{index:06d}",
                last_name=f"NOM{index:06d}",
                first_name="Prénom",
                sex="F",
                birth_date=datetime.date(1990, 1, 1),
                nationality="SN",
                permit_kind="family",
                first_permit_date=datetime.date(2025, 1, 1),
                cir_signed_on=datetime.date(2025, 2, 1),
                ofii_organisation=organisation,
            )
            for index in range(count)
        ),
        batch_size=5000,
    )


def download(client, job):
    response = client.get(reverse("export_download", args=[job.pk]))
    return response, b"".join(response.streaming_content) if response.status_code == 200 else b""


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the big run: PostgreSQL (CI); SQLite tests the rest"
)
def test_a_60000_row_export_runs_as_a_job_and_the_request_returns_at_once(
    client, ofii, orgs, django_capture_on_commit_callbacks, monkeypatch
):
    many_files(orgs["ofii"], 60_000)
    client.force_login(ofii)
    url = reverse("beneficiaries:export", args=["csv"])
    with django_capture_on_commit_callbacks() as queued:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"sort": "numero"})
    # The request only counted up to the threshold and queued the job.
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("export_job", args=[job.pk])
    assert job.status == ExportJob.Status.PENDING
    assert job.written_rows == 0
    assert len(queued) == 1
    starting_queries = len(queries.captured_queries)
    page = client.get(reverse("export_job", args=[job.pk]))
    assert page.context["job"].progress == 0
    # The worker's part (eager here): every row, with its progress recorded as it goes.
    progress = []
    record_progress = exports._progress
    monkeypatch.setattr(
        exports, "_progress", lambda job, n: (progress.append(n), record_progress(job, n))
    )
    queued[0]()
    assert progress == list(range(exports.PROGRESS_EVERY, 60_000 + 1, exports.PROGRESS_EVERY))
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert job.written_rows == 60_000
    assert job.progress == 100
    response, content = download(client, job)
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert len(lines) == 60_001
    assert lines[1][0] == "75-2025-000000"
    # One audit row for the export (its count and filter), not one per file.
    exported = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT)
    assert exported.count() == 1
    assert "60000 lignes" in exported.get().detail
    assert "sort=numero" in exported.get().detail
    assert starting_queries < 20


def test_starting_a_job_costs_the_same_queries_whatever_the_size(client, ofii, orgs, settings):
    settings.EXPORT_JOB_THRESHOLD = 3
    client.force_login(ofii)
    url = reverse("beneficiaries:export", args=["csv"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 302
        return len(queries.captured_queries)

    many_files(orgs["ofii"], 10)
    small = count()
    Beneficiary.objects.all().delete()
    many_files(orgs["ofii"], 300)
    assert count() == small


def test_the_referral_export_is_no_longer_cut_and_goes_to_a_job(
    client, ofii, orgs, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_JOB_THRESHOLD = 3
    for _ in range(5):
        ReferralFactory(
            beneficiary=BeneficiaryFactory(ofii_organisation=orgs["ofii"]),
            to_organisation=orgs["mission_locale"],
            sender=ofii,
        )
    client.force_login(ofii)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("referrals:export", args=["xlsx"]))
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("export_job", args=[job.pk])
    job.refresh_from_db()
    assert job.written_rows == 5
    from openpyxl import load_workbook

    _response, content = download(client, job)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == 6


def test_below_the_threshold_the_export_is_answered_in_the_request(client, ofii, orgs):
    many_files(orgs["ofii"], 3)
    client.force_login(ofii)
    response = client.get(reverse("beneficiaries:export", args=["csv"]))
    assert response.status_code == 200
    assert not ExportJob.objects.exists()


def test_only_the_requester_sees_and_downloads_the_export_until_it_expires(
    client, ofii, orgs, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_JOB_THRESHOLD = 1
    many_files(orgs["ofii"], 3)
    colleague = member_of(orgs["ofii"])
    client.force_login(ofii)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("beneficiaries:export", args=["csv"]))
    job = ExportJob.objects.get()
    assert download(client, job)[0].status_code == 200
    client.force_login(colleague)
    assert client.get(reverse("export_job", args=[job.pk])).status_code == 404
    assert download(client, job)[0].status_code == 404
    client.force_login(ofii)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert download(client, job)[0].status_code == 404
    page = client.get(reverse("export_job", args=[job.pk])).content.decode()
    assert "délai de téléchargement de cet export est passé" in page
    assert exports.purge() == 1
    job.refresh_from_db()
    assert not job.file
