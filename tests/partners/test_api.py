import pytest

from .factories import ServiceOfferFactory

pytestmark = pytest.mark.django_db


def test_organisations_use_the_exchange_format(api_as, ofii, orgs):
    body = api_as(ofii).get("/api/v1/organisations/", {"kind": "mission_locale"}).json()
    assert body["count"] == 1
    assert set(body) >= {"count", "next", "previous", "results"}
    [row] = body["results"]
    assert {
        "id": row["id"],
        "name": row["name"],
        "kind": row["kind"],
        "department": row["department"],
        "receives_referrals": row["receives_referrals"],
    } == {
        "id": orgs["mission_locale"].pk,
        "name": "Mission Locale Paris",
        "kind": "mission_locale",
        "department": "75",
        "receives_referrals": True,
    }


def test_organisation_filters(api_as, ofii, orgs):
    api = api_as(ofii)
    names = {
        row["name"]
        for row in api.get("/api/v1/organisations/", {"receives_referrals": "false"}).json()[
            "results"
        ]
    }
    assert names == {"OFII Paris", "Préfecture de Paris", "Association Paris"}
    detail = api.get(f"/api/v1/organisations/{orgs['partner'].pk}/").json()
    assert detail["kind"] == "association"


def test_offers_profile_check_ranks_like_the_page(api_as, ofii, orgs):
    ServiceOfferFactory(organisation=orgs["france_travail"], title="Ateliers CV")
    young = ServiceOfferFactory(
        organisation=orgs["mission_locale"], title="CEJ", min_age=16, max_age=25
    )
    ServiceOfferFactory(organisation=orgs["cap_emploi"], title="Handicap", requires_rqth=True)
    body = (
        api_as(ofii)
        .get("/api/v1/offers/", {"age": 24, "rqth": "false", "french_level": "A1"})
        .json()
    )
    assert [row["title"] for row in body["results"]] == ["CEJ", "Ateliers CV"]
    assert body["results"][0]["id"] == young.pk
    assert body["results"][0]["organisation"] == orgs["mission_locale"].pk
    assert body["results"][0]["organisation_kind"] == "mission_locale"
    assert body["results"][0]["fit_score"] > body["results"][1]["fit_score"] == 0
    assert api_as(ofii).get("/api/v1/offers/").json()["results"][0]["fit_score"] is None


@pytest.mark.parametrize(
    ("endpoint", "params", "field"),
    [
        ("/api/v1/organisations/", {"kind": "bakery"}, "kind"),
        ("/api/v1/organisations/", {"receives_referrals": "maybe"}, "receives_referrals"),
        ("/api/v1/organisations/", {"kindd": "ofii"}, "kindd"),
        ("/api/v1/offers/", {"age": "vingt"}, "age"),
        ("/api/v1/offers/", {"french_level": "Z9"}, "french_level"),
        ("/api/v1/offers/", {"ages": "24"}, "ages"),
    ],
)
def test_invalid_or_unknown_filters_answer_400_with_field_errors(
    api_as, ofii, endpoint, params, field
):
    response = api_as(ofii).get(endpoint, params)
    assert response.status_code == 400
    assert field in response.json()


def test_pagination_parameters_are_not_filters(api_as, ofii, orgs):
    assert api_as(ofii).get("/api/v1/organisations/", {"page": 1}).status_code == 200


def test_the_directory_api_is_read_only_but_for_offers(api_as, ofii, orgs):
    api = api_as(ofii)
    assert api.post("/api/v1/organisations/", {"name": "x"}).status_code == 405
    assert api.delete(f"/api/v1/organisations/{orgs['ofii'].pk}/").status_code == 405
    offer = ServiceOfferFactory(organisation=orgs["ofii"])
    # Offers are written by their organisation's admins (tests/exchange/test_resources.py), never
    # deleted through the API.
    assert api.delete(f"/api/v1/offers/{offer.pk}/").status_code == 405


def test_anonymous_and_memberless_are_refused(api_client, api_as, orgs):
    from tests.factories import UserFactory

    assert api_client.get("/api/v1/organisations/").status_code == 401
    assert api_as(UserFactory()).get("/api/v1/offers/").status_code == 404


def test_schema_documents_the_directory(api_as, ofii):
    schema = api_as(ofii).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/organisations/" in schema["paths"]
    assert "/api/v1/offers/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/offers/"]["get"]["parameters"]}
    assert {"age", "rqth", "bpi", "french_level", "kind", "public", "language", "q"} <= parameters
