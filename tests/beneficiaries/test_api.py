import datetime

import pytest
from django.utils import timezone

from beneficiaries.models import Beneficiary, Correction
from partners.models import AuditEntry

from ..factories import BeneficiaryFactory, ReferralFactory
from .factories import many_files

pytestmark = pytest.mark.django_db

URL = "/api/v1/beneficiaries/"


def payload(**overrides):
    today = timezone.localdate()
    data = {
        "ofii_number": "75-2026-00077",
        "last_name": "Rahimi",
        "first_name": "Farid",
        "sex": "M",
        "birth_date": "1999-10-22",
        "nationality": "IR",
        "permit_kind": "refugee",
        "first_permit_date": (today - datetime.timedelta(days=300)).isoformat(),
        "cir_signed_on": (today - datetime.timedelta(days=250)).isoformat(),
        "postcode": "75019",
        "commune": "Paris",
        "rqth": False,
        "higher_education": True,
        "french_level": "A1",
    }
    data.update(overrides)
    return data


def test_post_creates_a_file_with_the_exchange_format(api_as, ofii, orgs):
    response = api_as(ofii).post(URL, payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["is_bpi"] is True and body["age"] >= 26 and body["is_under_26"] is False
    assert body["eligible_until"]
    file = Beneficiary.objects.get(pk=body["id"])
    assert file.ofii_organisation == orgs["ofii"]
    assert AuditEntry.objects.filter(
        action="create", channel="api", object_id=str(file.pk)
    ).exists()


def test_an_italian_nationality_answers_400_with_field_errors(api_as, ofii):
    response = api_as(ofii).post(URL, payload(nationality="IT"), format="json")
    assert response.status_code == 400
    assert "Nationalité IT refusée" in response.json()["nationality"][0]
    assert not Beneficiary.objects.exists()


def test_other_rules_answer_400(api_as, ofii):
    client = api_as(ofii)
    assert "ofii_number" in client.post(URL, payload(ofii_number="x"), format="json").json()
    body = client.post(URL, payload(first_permit_date="2018-01-01"), format="json").json()
    assert "hors du public" in body["first_permit_date"][0]
    response = client.post(
        URL, payload(first_permit_date="2018-01-01", confirm_out_of_public=True), format="json"
    )
    assert response.status_code == 201


def test_a_duplicate_answers_400_with_the_existing_file(api_as, ofii, orgs):
    existing = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        last_name="RAHIMI",
        first_name="Farid",
        birth_date=datetime.date(1999, 10, 22),
    )
    client = api_as(ofii)
    response = client.post(URL, payload(), format="json")
    assert response.status_code == 400
    assert response.json()["duplicates"] == [str(existing.pk)]
    assert client.post(URL, payload(confirm_not_duplicate=True), format="json").status_code == 201


def test_patch_keeps_the_history_and_is_audited(api_as, ofii, orgs):
    file = BeneficiaryFactory(ofii_organisation=orgs["ofii"], postcode="75019")
    client = api_as(ofii)
    response = client.patch(f"{URL}{file.pk}/", {"postcode": "75020"}, format="json")
    assert response.status_code == 200, response.json()
    assert Correction.objects.get(beneficiary=file).changes["postcode"]["old"] == "75019"
    assert client.patch(f"{URL}{file.pk}/", {"nationality": "IT"}, format="json").status_code == 400
    assert AuditEntry.objects.filter(action="update", channel="api").count() == 1


def test_get_is_scoped_and_audited(api_as, ofii, orgs):
    mine = BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    other = BeneficiaryFactory(ofii_organisation=orgs["ofii93"])
    client = api_as(ofii)
    body = client.get(URL).json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    assert client.get(f"{URL}{other.pk}/").status_code == 404
    assert client.get(f"{URL}{mine.pk}/").status_code == 200
    assert AuditEntry.objects.filter(action="view", channel="api", object_id=str(mine.pk)).exists()
    assert AuditEntry.objects.filter(action="list", channel="api").count() == 1
    assert client.get(URL, {"ofii_number": mine.ofii_number.lower()}).json()["count"] == 1


@pytest.mark.parametrize("persona", ["prefecture", "partner", "mission_locale", "ofii93"])
def test_out_of_scope_roles_get_404_or_nothing(api_as, request, persona, orgs):
    file = BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    client = api_as(request.getfixturevalue(persona))
    assert client.get(f"{URL}{file.pk}/").status_code == 404
    listing = client.get(URL)
    assert listing.status_code == 404 or listing.json()["count"] == 0


def test_a_receiver_reads_referred_people_but_cannot_write(api_as, france_travail, orgs):
    file = BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    ReferralFactory(beneficiary=file, to_organisation=orgs["france_travail"])
    client = api_as(france_travail)
    assert client.get(f"{URL}{file.pk}/").status_code == 200
    assert client.patch(f"{URL}{file.pk}/", {"postcode": "75001"}, format="json").status_code in (
        403,
        404,
    )
    assert client.post(URL, payload(), format="json").status_code in (403, 404)


@pytest.mark.parametrize("count", [10, 1000])
def test_the_api_list_issues_a_constant_number_of_queries(
    api_as, ofii, orgs, count, django_assert_num_queries
):
    many_files(orgs["ofii"], count)
    client = api_as(ofii)
    # 1 token and user, 2 active membership, 3 count, 4 the page of files, 5 the audit rows.
    with django_assert_num_queries(5):
        response = client.get(URL)
    assert response.json()["count"] == count


def test_the_ofii_number_lookup_is_an_exact_match_on_the_stored_upper_case_number(
    client, ofii, orgs
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mine = BeneficiaryFactory(ofii_organisation=orgs["ofii"], ofii_number="75-2025-00042")
    BeneficiaryFactory(ofii_organisation=orgs["ofii"], ofii_number="75-2025-000421")
    client.force_login(ofii)
    with CaptureQueriesContext(connection) as queries:
        found = client.get(URL, {"ofii_number": " 75-2025-00042 "}).json()
    assert [row["id"] for row in found["results"]] == [mine.pk]
    lookups = [q["sql"] for q in queries.captured_queries if "ofii_number" in q["sql"]]
    assert lookups
    assert not any("UPPER(" in sql or "LIKE" in sql for sql in lookups)
