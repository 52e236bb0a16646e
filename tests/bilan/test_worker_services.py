"""The bilan with real Celery workers over Redis and PostgreSQL (run with DATABASE_URL and
REDIS_URL set): a generation end to end, and a worker killed in the middle of one."""

import io
import re
import subprocess

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from beneficiaries.models import Beneficiary
from devdata import bench, builder
from devdata.demo import governance as governance_demo
from governance.models import Agreement, AnnualReport
from governance.statistics import presentation
from partners.models import Organisation, OrganisationKind, User

from ..conftest import wait_for
from .factories import paris_agreement

pytestmark = pytest.mark.services

Status = AnnualReport.Status


def status_of(report_id):
    return AnnualReport.objects.values_list("status", "step").get(pk=report_id)


def text_of(pdf):
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def files_under(path):
    directories, files = default_storage.listdir(path)
    found = [f"{path}/{name}" for name in files]
    for directory in directories:
        found += files_under(f"{path}/{directory}")
    return found


def demo_organisations(code):
    kinds = {
        "ofii": OrganisationKind.OFII,
        "france_travail": OrganisationKind.FRANCE_TRAVAIL,
        "mission_locale": OrganisationKind.MISSION_LOCALE,
        "cap_emploi": OrganisationKind.CAP_EMPLOI,
    }
    return {
        key: Organisation.objects.filter(department__code=code, kind=kind).order_by("pk").first()
        for key, kind in kinds.items()
    }


def test_a_real_worker_generates_the_demo_paris_bilan(celery_worker_factory, api_as, settings):
    assert connection.vendor == "postgresql"
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    agreement = Agreement.objects.get(department__code="75", title=governance_demo.PARIS_TITLE)
    signatories = list(agreement.signatories.values_list("representative", flat=True))
    assert len(signatories) >= 6
    # The demo's dates follow today: last year is a full year of files and referrals.
    year = timezone.localdate().year - 1
    files = Beneficiary.objects.filter(
        ofii_organisation__department__code="75", cir_signed_on__year=year
    )
    if files.count() < 100:
        with builder.without_notifications():
            bench.activity(demo_organisations("75"), year, 300)
    celery_worker_factory(MEDIA_ROOT=str(settings.MEDIA_ROOT))
    api = api_as(User.objects.get(email="prefecture@demo.passerelle.test"))

    response = api.post("/api/v1/reports/", {"year": year, "agreement": agreement.pk})
    assert response.status_code == 202
    report_id = response.json()["id"]
    wait_for(lambda: status_of(report_id)[0] in (Status.READY, Status.FAILED), timeout=240)
    body = api.get(f"/api/v1/reports/{report_id}/").json()
    assert body["status"] == "ready", AnnualReport.objects.get(pk=report_id).error
    download = api.get(body["download_url"])
    assert download["Content-Type"] == "application/pdf"
    pdf = b"".join(download.streaming_content)  # read to its end: the test client closes it
    text = text_of(pdf)

    assert "Paris (75)" in text and f"Bilan {year}" in text
    for name in signatories:
        assert " ".join(name.split()) in text, name
    figures = api.get("/api/v1/statistics/", {"year": year}).json()
    for key in ("cir_signatories", "referrals_sent", "referrals_accepted"):
        printed_as = presentation.FIGURE_LABELS[key]
        assert isinstance(figures[key], int) and figures[key] >= 5
        assert f"{printed_as} {presentation.cell(figures[key])}" in text, (key, figures[key])
    # The frozen snapshot holds the same figures.
    snapshot = AnnualReport.objects.get(pk=report_id).snapshot["statistics"]
    assert {k: snapshot[k] for k in ("cir_signatories", "referrals_sent")} == {
        k: figures[k] for k in ("cir_signatories", "referrals_sent")
    }


def test_a_worker_killed_mid_generation_is_replaced_and_the_report_completed_once(
    celery_worker_factory, orgs, prefecture, api_as, settings
):
    agreement = paris_agreement(orgs)
    with builder.without_notifications():
        bench.activity(orgs, 2025, 60)
    # Short delays for the test: the broker hands an unacknowledged task over after 15 s, and a
    # claim not renewed for 12 s may be taken over (the time limit stays below both).
    timings = dict(
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        BROKER_VISIBILITY_TIMEOUT="15",
        BILAN_TIME_LIMIT="10",
        BILAN_CLAIM_SECONDS="12",
    )
    # The first worker stops (fault injection) once it has reached the PDF rendering step.
    first = celery_worker_factory(BILAN_FAULT_PAUSE="render:300", **timings)
    response = api_as(prefecture).post(
        "/api/v1/reports/", {"year": 2025, "agreement": agreement.pk}
    )
    report_id = response.json()["id"]
    wait_for(lambda: status_of(report_id) == (Status.RUNNING, "Rendu du PDF"), timeout=120)
    assert not default_storage.exists("bilans") or files_under("bilans") == []
    first.kill()
    assert first.process.returncode == -9
    assert status_of(report_id)[0] == Status.RUNNING

    second = celery_worker_factory(**timings)
    wait_for(lambda: status_of(report_id)[0] in (Status.READY, Status.FAILED), timeout=180)
    report = AnnualReport.objects.get(pk=report_id)
    assert report.status == Status.READY, report.error
    assert report.attempts == 2  # the killed worker, then the one that took over
    assert AnnualReport.objects.filter(agreement=agreement).count() == 1
    assert files_under("bilans") == [report.pdf.name]
    with report.pdf.open("rb") as pdf:
        assert text_of(pdf.read()).count("Bilan 2025") >= 1
    log = second.output()
    assert re.search(r"bilan \d+ claimed", log) and f"bilan {report_id} ready" in log
