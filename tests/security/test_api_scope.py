"""The browsable API (development only) and the API filters show nothing out of scope.

In production the API answers JSON only; in DEBUG (the demo) the browsable API renders the filter
form and the serializer's form of each endpoint: their selects are drawn from ``visible_to``, and
a filter on another department's record answers exactly as a filter on a missing one.
"""

import pytest
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.views import APIView

from tests.factories import BeneficiaryFactory, OrganisationFactory, ReferralFactory

pytestmark = pytest.mark.django_db

MISSING = 987654321


@pytest.fixture
def two_departments(orgs, ofii, ofii93):
    """A referral in Paris and one in Seine-Saint-Denis, with marked names."""
    paris = BeneficiaryFactory(ofii_organisation=orgs["ofii"], last_name="Parisienzz")
    other = BeneficiaryFactory(
        ofii_organisation=orgs["ofii93"], last_name="Bobignyzz", ofii_number="93-2025-77777"
    )
    ReferralFactory(beneficiary=paris, to_organisation=orgs["mission_locale"], sender=ofii)
    ReferralFactory(beneficiary=other, to_organisation=orgs["france_travail93"], sender=ofii93)
    OrganisationFactory(department=orgs["ofii93"].department, name="Orgbobignyzz")
    return other


@pytest.fixture
def browsable(monkeypatch):
    """The renderers of ``make demo`` (DEBUG): JSON and the browsable API."""
    monkeypatch.setattr(APIView, "renderer_classes", [JSONRenderer, BrowsableAPIRenderer])


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/referrals/",
        "/api/v1/referrals/?status=pending",
        "/api/v1/beneficiaries/",
        "/api/v1/organisations/",
        "/api/v1/offers/",
        "/api/v1/reports/",
    ],
)
def test_the_browsable_api_lists_nothing_of_another_department(
    client, browsable, two_departments, ofii, path
):
    client.force_login(ofii)
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "<form" in body  # the filter or the serializer's form is rendered
    for mark in ("Bobignyzz", "93-2025-77777", "Orgbobignyzz", "France Travail 93"):
        assert mark not in body


def test_the_referral_filter_lists_no_person_at_all(client, browsable, two_departments, ofii):
    """The beneficiary filter is a number field: not even the caller's own files are listed."""
    client.force_login(ofii)
    body = client.get("/api/v1/referrals/", HTTP_ACCEPT="text/html").content.decode()
    assert "Parisienzz" not in body


def test_a_filter_on_another_departments_record_answers_as_a_missing_one(
    api_as, two_departments, ofii
):
    client = api_as(ofii)
    foreign = client.get(f"/api/v1/referrals/?beneficiary={two_departments.pk}")
    missing = client.get(f"/api/v1/referrals/?beneficiary={MISSING}")
    assert foreign.status_code == 400
    assert foreign.json() == {
        "beneficiary": missing.json()["beneficiary"]
    }  # the same message, no id


def test_an_organisation_filter_out_of_scope_answers_as_a_missing_one(api_as, orgs, ofii):
    client = api_as(ofii)
    foreign = client.get(f"/api/v1/referrals/?to_organisation={orgs['france_travail93'].pk}")
    missing = client.get(f"/api/v1/referrals/?to_organisation={MISSING}")
    assert foreign.status_code == 400
    assert foreign.json() == missing.json()


def test_sending_to_another_departments_organisation_is_refused_as_a_missing_one(
    api_as, orgs, ofii
):
    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    client = api_as(ofii)

    def send(to_organisation):
        return client.post(
            "/api/v1/referrals/",
            {"beneficiary": person.pk, "to_organisation": to_organisation, "reason": "Emploi"},
            format="json",
        )

    foreign, missing = send(orgs["france_travail93"].pk), send(MISSING)
    assert foreign.status_code == 400
    assert foreign.json()["to_organisation"][0].replace(
        str(orgs["france_travail93"].pk), "ID"
    ) == missing.json()["to_organisation"][0].replace(str(MISSING), "ID")
