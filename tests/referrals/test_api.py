import datetime

import pytest
from django.utils import timezone

from referrals import states
from referrals.models import Referral, Status

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals/"


def action_url(referral, action):
    return f"{URL}{referral.pk}/{action}/"


@pytest.mark.parametrize("persona", ["france_travail", "ofii93", "prefecture", "cap_emploi"])
def test_out_of_scope_accounts_get_404(api_as, request, persona, referral):
    api = api_as(request.getfixturevalue(persona))
    assert api.get(f"{URL}{referral.pk}/").status_code == 404
    if persona in ("france_travail", "ofii93", "cap_emploi"):
        for action in states.ACTIONS:
            assert api.post(action_url(referral, action), {}, format="json").status_code == 404
        assert api.get(URL).json()["count"] == 0
    assert Referral.objects.get(pk=referral.pk).status == Status.PENDING


def test_detail_uses_the_exchange_format(api_as, ofii, orgs, referral):
    data = api_as(ofii).get(f"{URL}{referral.pk}/").json()
    for field in (
        "id beneficiary to_organisation reason note from_organisation status sent_at "
        "answer_due_at answered_at appointment_at first_appointment_at refusal_reason "
        "refusal_comment outcome outcome_date closed_at is_overdue events"
    ).split():
        assert field in data
    assert data["status"] == "pending" and data["from_organisation"] == orgs["ofii"].pk
    assert data["events"] == [
        {
            "from_status": "",
            "to_status": "pending",
            "at": data["sent_at"],
            "organisation": orgs["ofii"].pk,
            "comment": "",
        }
    ]


def test_ofii_sends_through_the_api(api_as, ofii, orgs, young):
    api = api_as(ofii)
    body = {"beneficiary": young.pk, "to_organisation": orgs["cap_emploi"].pk, "reason": "Emploi"}
    response = api.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    # An open referral to this partner already exists: a state conflict, like the actions.
    again = api.post(URL, body, format="json")
    assert again.status_code == 409 and "to_organisation" in again.json()
    assert "déjà en cours" in again.json()["detail"]
    assert api.post(URL, {"beneficiary": young.pk}, format="json").status_code == 400


def test_ofii93_cannot_send_for_a_paris_person(api_as, ofii93, orgs, young):
    # A person out of scope answers 404, like a person who does not exist.
    body = {"beneficiary": young.pk, "to_organisation": orgs["france_travail93"].pk, "reason": "x"}
    response = api_as(ofii93).post(URL, body, format="json")
    assert response.status_code == 404
    missing = dict(body, beneficiary=young.pk + 1000)
    assert api_as(ofii93).post(URL, missing, format="json").status_code == 404
    assert not Referral.objects.exists()


def test_receiver_cannot_send_and_gets_404_not_403(api_as, mission_locale, orgs, young, referral):
    # Was 403 ("Seule l'OFII…"): a role that may not do something answers 404 everywhere.
    body = {"beneficiary": young.pk, "to_organisation": orgs["france_travail"].pk, "reason": "x"}
    response = api_as(mission_locale).post(URL, body, format="json")
    assert response.status_code == 404
    assert Referral.objects.count() == 1


def test_redirect_to_a_partner_with_an_open_referral_is_a_conflict(
    api_as, ofii, mission_locale, orgs, referral
):
    api_as(ofii).post(
        URL,
        {
            "beneficiary": referral.beneficiary_id,
            "to_organisation": orgs["france_travail"].pk,
            "reason": "x",
        },
        format="json",
    )
    response = api_as(mission_locale).post(
        action_url(referral, "redirect"),
        {"to_organisation": orgs["france_travail"].pk, "comment": "Mieux placé"},
        format="json",
    )
    assert response.status_code == 409 and "to_organisation" in response.json()
    assert Referral.objects.get(pk=referral.pk).status == Status.PENDING


def test_actions_through_the_api(api_as, mission_locale, referral):
    api = api_as(mission_locale)
    appointment = (timezone.now() + datetime.timedelta(days=2)).isoformat()
    response = api.post(
        action_url(referral, "accept"), {"appointment_at": appointment}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert (
        api.post(action_url(referral, "start"), {}, format="json").json()["status"] == "in_progress"
    )
    response = api.post(action_url(referral, "close"), {"outcome": "job_durable"}, format="json")
    assert response.status_code == 400 and "outcome_date" in response.json()
    response = api.post(
        action_url(referral, "close"),
        {"outcome": "job_durable", "outcome_date": timezone.localdate().isoformat()},
        format="json",
    )
    assert response.status_code == 200
    assert [e["to_status"] for e in response.json()["events"]] == [
        "pending",
        "accepted",
        "in_progress",
        "closed",
    ]


def test_refuse_without_reason_is_400_and_other_without_comment_too(
    api_as, mission_locale, referral
):
    api = api_as(mission_locale)
    response = api.post(action_url(referral, "refuse"), {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api.post(action_url(referral, "refuse"), {"reason": "other"}, format="json")
    assert response.status_code == 400 and "comment" in response.json()


def test_accepting_a_cancelled_referral_is_409(api_as, ofii, mission_locale, referral):
    assert (
        api_as(ofii)
        .post(action_url(referral, "cancel"), {"comment": "x"}, format="json")
        .status_code
        == 200
    )
    response = api_as(mission_locale).post(action_url(referral, "accept"), {}, format="json")
    assert response.status_code == 409
    assert "état actuel" in response.json()["detail"]


def test_redirect_through_the_api(api_as, mission_locale, orgs, referral):
    response = api_as(mission_locale).post(
        action_url(referral, "redirect"),
        {"to_organisation": orgs["france_travail"].pk, "comment": "Adulte"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "redirected"
    assert Referral.objects.get(pk=response.json()["redirected_to"]).status == "pending"
