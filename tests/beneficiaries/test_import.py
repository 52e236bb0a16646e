import datetime
import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from beneficiaries import importer
from beneficiaries.models import Beneficiary, ImportJob
from partners.models import AuditEntry

from ..factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(importer.__file__).resolve().parent / "samples" / "beneficiaries.csv"
HEADER = (
    "ofii_number;last_name;first_name;sex;birth_date;nationality;permit_kind;first_permit_date;"
    "cir_signed_on;postcode;commune;email;phone;rqth;higher_education;french_level;"
    "france_travail_id\n"
)


def upload(client, content, name="import.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(
        reverse("beneficiaries:import"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def line(number, last="Sow", first="Awa", birth="1990-05-01", nationality="SN", permit=None):
    today = timezone.localdate()
    permit = permit or (today - datetime.timedelta(days=200)).isoformat()
    cir = (today - datetime.timedelta(days=150)).isoformat()
    return (
        f"{number};{last};{first};F;{birth};{nationality};family;{permit};{cir};"
        "75019;Paris;;;non;non;A1;\n"
    )


def test_the_sample_csv_imports(client, ofii, orgs, django_capture_on_commit_callbacks):
    client.force_login(ofii)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, SAMPLE.read_bytes(), "beneficiaries.csv")
    job = ImportJob.objects.get()
    assert response.url == reverse("beneficiaries:import_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.created_count == Beneficiary.objects.count() == 20
    assert job.content == ""  # the uploaded personal data is not kept
    assert set(Beneficiary.objects.values_list("ofii_organisation", flat=True)) == {orgs["ofii"].pk}
    assert Beneficiary.objects.get(ofii_number="75-2026-90016").search_key == "traore seydou"
    assert AuditEntry.objects.filter(action="create", detail=f"import:{job.pk}").count() == 20
    page = client.get(response.url).content.decode()
    assert "20 dossiers importés" in page


def test_a_csv_with_faulty_lines_imports_nothing_and_lists_every_fault(
    client, ofii, orgs, django_capture_on_commit_callbacks
):
    BeneficiaryFactory(ofii_organisation=orgs["ofii"], ofii_number="75-2026-00009")
    BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        last_name="Kaya",
        first_name="Elif",
        birth_date=datetime.date(1993, 12, 1),
    )
    content = (
        HEADER
        + line("75-2026-00001")  # line 2: fine
        + line("75-2026-00002", nationality="IT")  # 3: EU national
        + line("75-2026-00003", birth="2999-01-01")  # 4: born in the future
        + line("bad-number")  # 5: malformed
        + line("75-2026-00009", last="Autre")  # 6: number of an existing file
        + line("75-2026-00010", last="KAYA", first="Élif", birth="1993-12-01")  # 7: existing person
        + line("75-2026-00001", last="Double")  # 8: number twice in the file
        + line("75-2026-00011", permit="2015-01-01")  # 9: out of the public, unconfirmed
        + line("75-2026-00012", birth="12/13/1990")  # 10: no such date
    )
    client.force_login(ofii)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, content)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED
    assert Beneficiary.objects.count() == 2  # nothing imported
    faults = {error["line"]: error["message"] for error in job.errors}
    assert sorted(faults) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "Nationalité IT refusée" in faults[3]
    assert "futur" in faults[4]
    assert "mal formé" in faults[5]
    assert "existe déjà" in faults[6]
    assert "Doublon probable" in faults[7]
    assert "ligne 2" in faults[8]
    assert "hors du public" in faults[9]
    assert "date invalide" in faults[10]
    page = client.get(response.url).content.decode()
    assert "Rien n&#x27;a été importé" in page or "Rien n'a été importé" in page
    assert "8 lignes en erreur" in page


def test_missing_columns_are_reported(client, ofii, django_capture_on_commit_callbacks):
    client.force_login(ofii)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "ofii_number,last_name\n75-2026-00001,Sow\n")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED
    assert "Colonnes manquantes" in job.errors[0]["message"]


def test_a_running_import_shows_its_progress_and_refreshes(client, ofii, orgs):
    job = ImportJob.objects.create(
        organisation=orgs["ofii"],
        created_by=ofii,
        status=ImportJob.Status.CHECKING,
        total_lines=20000,
        processed_lines=5000,
    )
    client.force_login(ofii)
    page = client.get(reverse("beneficiaries:import_detail", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page
    assert 'value="25"' in page


def test_an_import_of_another_organisation_is_404(client, ofii93, ofii, orgs):
    job = ImportJob.objects.create(organisation=orgs["ofii"], created_by=ofii)
    client.force_login(ofii93)
    assert client.get(reverse("beneficiaries:import_detail", args=[job.pk])).status_code == 404


def test_a_redelivered_task_does_nothing(ofii, orgs):
    job = ImportJob.objects.create(
        organisation=orgs["ofii"], created_by=ofii, content=SAMPLE.read_text()
    )
    importer.run(job.pk)
    importer.run(job.pk)
    assert Beneficiary.objects.count() == 20


def big_csv(count):
    today = timezone.localdate()
    permit = (today - datetime.timedelta(days=400)).isoformat()
    cir = (today - datetime.timedelta(days=300)).isoformat()
    rows = [HEADER]
    for n in range(count):
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=n % 15000)
        rows.append(
            f"75-2026-{n:06d};Nom{n};Prénom{n % 97};{'F' if n % 2 else 'M'};{birth};SN;family;"
            f"{permit};{cir};75019;Paris;;;non;non;A1;\n"
        )
    return "".join(rows)


def test_two_thousand_lines_import(ofii, orgs):
    job = ImportJob.objects.create(
        organisation=orgs["ofii"], created_by=ofii, content=big_csv(2000)
    )
    importer.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJob.Status.DONE, 2000)


@pytest.mark.skipif(
    not os.environ.get("PASSERELLE_BENCHMARK"), reason="benchmark: set PASSERELLE_BENCHMARK=1"
)
def test_benchmark_twenty_thousand_lines(ofii, orgs, capsys):
    job = ImportJob.objects.create(
        organisation=orgs["ofii"], created_by=ofii, content=big_csv(20000)
    )
    started = time.perf_counter()
    importer.run(job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJob.Status.DONE, 20000)
    with capsys.disabled():
        print(f"\n20,000-line import: {elapsed:.1f} s")


def test_the_import_page_is_audited(client, ofii, orgs):
    job = ImportJob.objects.create(organisation=orgs["ofii"], created_by=ofii)
    client.force_login(ofii)
    assert client.get(reverse("beneficiaries:import_detail", args=[job.pk])).status_code == 200
    assert AuditEntry.objects.filter(
        action="view", object_type="beneficiary_import", object_id=str(job.pk)
    ).exists()
