"""GET /api/v1/statistics/, /agreements/ and /meetings/: figures, masking, scope, errors."""

import datetime as dt
import json

import pytest

from .conftest import YEAR
from .factories import AgreementFactory, MeetingFactory

M = "< 5"
NO_REASON = dict.fromkeys(
    ["not_eligible", "already_followed", "unreachable", "declined", "duplicate", "other"], 0
)
NO_OUTCOME = dict.fromkeys(
    [
        "job_durable",
        "job_temporary",
        "training_language",
        "training_vocational",
        "business_creation",
        "left_territory",
        "lost_contact",
        "other",
    ],
    0,
)
ZERO_SLICE = dict.fromkeys(
    [
        "cir_signatories",
        "interviews",
        "oriented",
        "dispensed",
        "referrals_sent",
        "referrals_accepted",
        "referrals_refused",
    ],
    0,
)


def _slice(*values):
    return dict(zip(ZERO_SLICE, values, strict=True))


@pytest.mark.django_db
def test_every_figure_as_the_prefecture_sees_it(known_dataset, prefecture, api_as, orgs):
    response = api_as(prefecture).get("/api/v1/statistics/", {"year": YEAR})
    assert response.status_code == 200
    figures = response.json()
    assert figures["department"] == "75"
    assert figures["year"] == YEAR
    assert figures["masked"] is True
    # Files and interviews.
    assert figures["cir_signatories"] == 8
    assert figures["interviews"] == 8
    assert figures["oriented"] == 6
    assert figures["dispensed"] == M
    # Exactly one decision was masked: the smallest neighbour (a zero) is hidden too.
    assert figures["spe_decisions"] == {
        "oriented": 6,
        "dispensed": M,
        "already_followed": M,
        "not_job_seeking": 0,
    }
    assert figures["end_of_cir_interviews"] == M
    # Referrals.
    assert figures["referrals_sent"] == 6
    assert figures["referrals_accepted"] == M
    assert figures["referrals_refused"] == M
    assert figures["referrals_closed"] == M
    assert figures["referrals_by_status"] == {
        "pending": M,
        "accepted": M,
        "refused": M,
        "redirected": 0,
        "cancelled": 0,
    }
    assert figures["acceptance_rate"] is None  # 4 accepted: a rate would give it away
    assert figures["median_days_to_answer"] == 3.0  # answers after 1, 2, 3, 4, 10 days
    assert figures["median_days_to_first_appointment"] is None  # two values only
    assert figures["overdue"] == M
    assert figures["answered_late"] == M
    assert figures["outcomes"] == {
        "job_durable": M,
        "job_temporary": 0,
        "training_language": 0,
        "training_vocational": 0,
        "business_creation": 0,
        "left_territory": 0,
        "lost_contact": 0,
        "other": 0,
    }
    assert figures["refusal_reasons"] == {
        "not_eligible": M,
        "already_followed": 0,
        "unreachable": 0,
        "declined": 0,
        "duplicate": 0,
        "other": 0,
    }
    # France Travail 5, Mission Locale 1: the 5 is hidden too, as "≥ 5".
    assert figures["by_partner"] == [
        {
            "organisation": orgs["france_travail"].pk,
            "name": "France Travail Paris",
            "kind": "france_travail",
            "referrals_sent": "≥ 5",
            "referrals_accepted": M,
            "referrals_refused": M,
            "overdue": M,
            "acceptance_rate": None,
            "median_days_to_answer": None,  # 4 answers: too few for a median
            "refusal_reasons": {**NO_REASON, "not_eligible": M},
            "outcomes": {**NO_OUTCOME, "job_durable": M},
        },
        {
            "organisation": orgs["mission_locale"].pk,
            "name": "Mission Locale Paris",
            "kind": "mission_locale",
            "referrals_sent": M,
            "referrals_accepted": M,
            "referrals_refused": 0,
            "overdue": 0,
            "acceptance_rate": None,
            "median_days_to_answer": None,
            "refusal_reasons": NO_REASON,
            "outcomes": NO_OUTCOME,
        },
    ]
    assert figures["by_public"] == {
        "women": _slice(5, 5, M, M, M, M, M),
        "under_26": _slice(M, M, M, 0, M, M, 0),
        "bpi": _slice(6, 6, 6, 0, 6, M, M),
        "rqth": _slice(M, M, M, 0, M, 0, M),
        "graduates": ZERO_SLICE,
    }
    assert figures["by_permit_kind"] == {
        "family": _slice(M, M, 0, M, 0, 0, 0),
        # Complement of the family cells: the smallest neighbour, a zero.
        "work": _slice(M, M, 0, 0, 0, 0, 0),
        "refugee": _slice(6, 6, 6, 0, 6, M, M),
        "subsidiary_protection": ZERO_SLICE,
        "stateless": ZERO_SLICE,
        "aps": ZERO_SLICE,
        "other": ZERO_SLICE,
    }
    assert {m["year"] for m in figures["by_month"]} == {YEAR}
    months = {
        m["month"]: {k: v for k, v in m.items() if k not in ("month", "year")}
        for m in figures["by_month"]
    }
    assert list(months) == list(range(1, 13))
    assert months[1] == _slice(M, M, 0, 0, 0, 0, 0)  # complement of September
    assert months[3] == _slice(6, 6, 6, 0, 6, M, M)
    assert months[9] == _slice(M, M, 0, M, 0, 0, 0)
    for month in (2, 4, 5, 6, 7, 8, 10, 11, 12):
        assert months[month] == ZERO_SLICE


@pytest.mark.django_db
def test_the_ofii_directorate_reads_its_own_figures_unmasked(known_dataset, ofii, api_as):
    figures = api_as(ofii).get("/api/v1/statistics/", {"year": YEAR}).json()
    assert figures["masked"] is False
    assert figures["dispensed"] == 2
    assert figures["referrals_accepted"] == 4
    assert figures["acceptance_rate"] == 80.0
    assert figures["median_days_to_first_appointment"] == 7.0
    assert [p["referrals_sent"] for p in figures["by_partner"]] == [5, 1]


@pytest.mark.django_db
def test_a_partner_reads_only_the_referrals_it_received(known_dataset, mission_locale, api_as):
    figures = api_as(mission_locale).get("/api/v1/statistics/", {"year": YEAR}).json()
    assert figures["masked"] is True
    assert figures["referrals_sent"] == M
    assert [p["name"] for p in figures["by_partner"]] == ["Mission Locale Paris"]


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["", "abc", "1800", "2025.5"])
def test_invalid_year_answers_400(prefecture, api_as, year):
    response = api_as(prefecture).get("/api/v1/statistics/", {"year": year})
    assert response.status_code == 400
    assert "year" in response.json()


@pytest.mark.django_db
def test_missing_year_answers_400(prefecture, api_as):
    assert api_as(prefecture).get("/api/v1/statistics/").status_code == 400


@pytest.mark.django_db
def test_another_department_answers_400(prefecture, api_as):
    response = api_as(prefecture).get("/api/v1/statistics/", {"year": YEAR, "department": "93"})
    assert response.status_code == 400
    assert "department" in response.json()


@pytest.mark.django_db
def test_an_unknown_partner_filter_answers_400(prefecture, api_as, orgs):
    response = api_as(prefecture).get(
        "/api/v1/statistics/", {"year": YEAR, "organisation": orgs["france_travail93"].pk}
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_platform_admin_chooses_the_department(known_dataset, platform_admin, api_as):
    figures = (
        api_as(platform_admin).get("/api/v1/statistics/", {"year": YEAR, "department": "93"}).json()
    )
    assert figures["department"] == "93"
    assert figures["cir_signatories"] == M  # the one file of Seine-Saint-Denis


@pytest.mark.django_db
def test_a_partner_without_statistics_gets_404(partner, api_as):
    assert api_as(partner).get("/api/v1/statistics/", {"year": YEAR}).status_code == 404


@pytest.mark.django_db
def test_anonymous_gets_401(api_client):
    assert api_client.get("/api/v1/statistics/", {"year": YEAR}).status_code in (401, 403)


@pytest.mark.django_db
def test_agreements_are_those_of_the_department(paris, seine_saint_denis, partner, api_as):
    mine = AgreementFactory(department=paris, title="Accord Paris")
    other = AgreementFactory(department=seine_saint_denis, title="Accord 93")
    client = api_as(partner)
    body = client.get("/api/v1/agreements/").json()
    assert body["count"] == 1
    result = body["results"][0]
    assert result["id"] == mine.pk
    assert result["department"] == "75"
    assert set(result) >= {
        "id",
        "title",
        "department",
        "status",
        "signed_on",
        "starts_on",
        "ends_on",
        "signatories",
    }
    assert client.get(f"/api/v1/agreements/{other.pk}/").status_code == 404


@pytest.mark.django_db
def test_meetings_are_those_of_the_department(paris, seine_saint_denis, ofii, api_as):
    meeting = MeetingFactory(agreement=AgreementFactory(department=paris))
    other = MeetingFactory(agreement=AgreementFactory(department=seine_saint_denis))
    client = api_as(ofii)
    body = client.get("/api/v1/meetings/").json()
    assert [m["id"] for m in body["results"]] == [meeting.pk]
    assert body["results"][0]["committee"] == "copil"
    assert set(body["results"][0]) >= {"id", "committee", "agreement", "date", "place", "status"}
    assert client.get(f"/api/v1/meetings/{other.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_period_answers_the_figures_of_those_days_masked(known_dataset, prefecture, api_as):
    from governance import statistics
    from governance.statistics.periods import Period

    march = {"from": f"{YEAR}-03-01", "to": f"{YEAR}-03-31"}
    response = api_as(prefecture).get("/api/v1/statistics/", march)
    assert response.status_code == 200
    figures = response.json()
    assert (figures["year"], figures["period"], figures["masked"]) == (None, march, True)
    expected = statistics.compute(
        prefecture.organisation.department,
        period=Period(dt.date(YEAR, 3, 1), dt.date(YEAR, 3, 31)),
    )
    assert figures == json.loads(json.dumps(expected))
    # Six of the eight files were signed in March (two in September), all referrals in March.
    assert (figures["cir_signatories"], figures["referrals_sent"]) == (6, 6)
    assert figures["referrals_accepted"] == M
    assert [(m["year"], m["month"]) for m in figures["by_month"]] == [(YEAR, 3)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, field, message",
    [
        ({"from": f"{YEAR}-01-01"}, "to", "Indiquez la fin de la période."),
        ({"to": f"{YEAR}-01-01"}, "from", "Indiquez le début de la période."),
        (
            {"from": f"{YEAR}-02-01", "to": f"{YEAR}-01-01"},
            "to",
            "La fin de la période doit suivre son début.",
        ),
        (
            {"year": YEAR, "from": f"{YEAR}-01-01", "to": f"{YEAR}-03-31"},
            "year",
            "Indiquez soit une année, soit une période, pas les deux.",
        ),
        (
            {"from": "1900-01-01", "to": f"{YEAR}-03-31"},
            "from",
            "Choisissez une date entre 2000 et 2100.",
        ),
    ],
)
def test_a_bad_period_answers_400_with_the_field(prefecture, api_as, query, field, message):
    response = api_as(prefecture).get("/api/v1/statistics/", query)
    assert response.status_code == 400
    assert response.json()[field] == [message]


@pytest.mark.django_db
def test_a_date_that_does_not_exist_answers_400(prefecture, api_as):
    response = api_as(prefecture).get(
        "/api/v1/statistics/", {"from": f"{YEAR}-13-01", "to": f"{YEAR}-03-31"}
    )
    assert response.status_code == 400
    assert list(response.json()) == ["from"]
