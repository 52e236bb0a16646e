"""Done when (issue 17): France Travail's job-seeker list matched against the department's files
— 10,000 identifiers answered in under 10 s, in SQL over sets, no uploaded line left behind;
counts by public; the matches France Travail may see; the statistics' "registered" rate."""

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaries.models import Beneficiary, JobSeekerStatus
from core.publics import Public
from exchange.models import ReconciliationRow, ReconciliationRun
from governance.statistics import compute
from tests.factories import BeneficiaryFactory, ReferralFactory

pytestmark = pytest.mark.django_db
HEADER = "identifiant_france_travail;nom;prenom;date_naissance\n"


def upload(lines):
    content = (HEADER + "".join(f"{line}\n" for line in lines)).encode()
    return {"file": SimpleUploadedFile("demandeurs.csv", content, content_type="text/csv")}


def files(orgs, count, *, start=0):
    """``count`` files of OFII Paris, every other one a woman, every third one with a France
    Travail identifier ``FT<n>``."""
    return Beneficiary.objects.bulk_create(
        [
            Beneficiary(
                ofii_number=f"R-{start + i:06d}",
                last_name=f"Nom{start + i}",
                first_name="Prénom",
                sex="F" if i % 2 else "M",
                birth_date=datetime.date(1990, 1, 1),
                nationality="ML",
                permit_kind="refugee",
                first_permit_date=datetime.date(2024, 1, 1),
                cir_signed_on=datetime.date(2024, 2, 1),
                france_travail_id=f"FT{start + i:07d}" if i % 3 == 0 else "",
                ofii_organisation=orgs["ofii"],
            )
            for i in range(count)
        ]
    )


def test_ten_thousand_identifiers_answered_in_under_ten_seconds_leaving_no_line(
    api_as, orgs, france_travail
):
    people = files(orgs, 600)
    with_id = [p for p in people if p.france_travail_id]
    registered = with_id[: len(with_id) // 2]
    # 10,000 lines: half the identified files (lower case: any case matches), and strangers.
    lines = [p.france_travail_id.lower() for p in registered]
    lines += [f"X{n:08d}" for n in range(10_000 - len(lines))]
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        response = api_as(france_travail).post(reverse("reconciliation-list"), upload(lines))
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.content
    print(f"10,000 identifiers: {elapsed:.2f} s, {len(queries)} queries")
    assert elapsed < 10
    assert len(queries) < len(lines) / 100  # set-based: batches, no query per line
    result = response.json()["reconciliation"]
    assert result["uploaded"] == 10_000
    assert result["files"] == len(people)
    assert result["registered"] == len(registered)
    women = [p for p in registered if p.sex == "F"]
    assert result["by_public"][Public.WOMEN] == {
        "files": sum(p.sex == "F" for p in people),
        "registered": len(women),
    }
    assert result["rate"] == round(100 * len(registered) / len(people), 1)
    assert not ReconciliationRow.objects.exists()
    statuses = dict(Beneficiary.objects.values_list("pk", "job_seeker_status"))
    assert {pk for pk, s in statuses.items() if s == JobSeekerStatus.REGISTERED} == {
        p.pk for p in registered
    }
    assert ReconciliationRun.objects.get().registered == len(registered)


def test_a_file_without_identifier_matches_on_name_and_birth_date(
    api_as, orgs, france_travail, ofii
):
    named = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        last_name="N'Diaye",
        first_name="Élodie",
        birth_date=datetime.date(1992, 5, 6),
    )
    referred = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"], france_travail_id="1234567A", sex="M"
    )
    ReferralFactory(beneficiary=referred, to_organisation=orgs["france_travail"], sender=ofii)
    homonym = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        last_name="N'Diaye",
        first_name="Élodie",
        birth_date=datetime.date(1993, 5, 6),
    )
    other_department = BeneficiaryFactory(
        ofii_organisation=orgs["ofii93"], france_travail_id="7654321B"
    )
    response = api_as(france_travail).post(
        reverse("reconciliation-list"),
        upload([";N'DIAYE;elodie;06/05/1992", "1234567a;;;", "7654321B;;;"]),
    )
    assert response.status_code == 201
    assert response.json()["reconciliation"]["registered"] == 2
    # Only the matched files referred to France Travail are named in the answer.
    assert response.json()["matches"] == [referred.pk]
    statuses = dict(Beneficiary.objects.values_list("pk", "job_seeker_status"))
    assert statuses[named.pk] == JobSeekerStatus.REGISTERED
    assert statuses[homonym.pk] == JobSeekerStatus.NOT_REGISTERED
    assert statuses[other_department.pk] == JobSeekerStatus.UNKNOWN


def test_a_faulty_file_is_refused_with_its_lines_and_leaves_nothing(api_as, orgs, france_travail):
    files(orgs, 3)
    response = api_as(france_travail).post(
        reverse("reconciliation-list"), upload(["FT0000000;;;", ";Sans;Date;", ";;;1990-01-01"])
    )
    assert response.status_code == 400
    assert response.json() == {
        "file": [
            "Lignes sans identifiant France Travail ni nom, prénom et date de naissance "
            "valides : 3, 4."
        ]
    }
    assert not ReconciliationRow.objects.exists()
    assert not ReconciliationRun.objects.exists()
    missing = api_as(france_travail).post(
        reverse("reconciliation-list"),
        {"file": SimpleUploadedFile("x.csv", b"nom;prenom\nA;B\n", content_type="text/csv")},
    )
    assert missing.json() == {"file": ["Colonne manquante : identifiant_france_travail."]}


def test_only_france_travail_reconciles(api_as, mission_locale, ofii):
    for user in (mission_locale, ofii):
        response = api_as(user).post(reverse("reconciliation-list"), upload(["FT1;;;"]))
        assert response.status_code == 404


def test_the_statistics_count_the_files_registered_with_the_spe(api_as, orgs, france_travail):
    people = files(orgs, 30)
    identified = [p.france_travail_id for p in people if p.france_travail_id]
    api_as(france_travail).post(reverse("reconciliation-list"), upload(identified))
    figures = compute(orgs["ofii"].department, 2024, masked=False)
    assert figures["cir_signatories"] == len(people)
    assert figures["registered_spe"] == len(identified)
    # Published rates are whole per cents (governance.statistics.masking: a decimal would reveal
    # the denominator).
    assert figures["registered_spe_rate"] == round(100 * len(identified) / len(people))
