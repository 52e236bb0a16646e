"""Done when (issue 17): France Travail's information system, end to end over HTTP with a service
token — the webhook of a new referral (signature checked), the referral fetched, accepted, a
diagnostic follow-up, closed with an outcome; ``updated_since`` then returns exactly those
changes, and the OFII sees them on the person's timeline."""

import hashlib
import hmac
import json
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import actions
from referrals.models import FollowUp, Outcome
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def verified(request, secret):
    """The JSON body of a webhook request whose signature holds and is recent (what a partner's
    system checks)."""
    timestamp = request["headers"]["X-Passerelle-Timestamp"]
    body = request["body"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert request["headers"]["X-Passerelle-Signature"] == f"sha256={expected.hexdigest()}"
    assert abs(int(timestamp) - int(timezone.now().timestamp())) < 300
    return json.loads(body)


def test_france_travail_information_system_end_to_end(
    service_client, receiver, orgs, ofii, person, client, django_capture_on_commit_callbacks
):
    # The information system registers its endpoint with its service token.
    response = service_client.post(
        reverse("webhook-list"),
        {
            "url": receiver.url,
            "events": ["referral.sent", "referral.answered", "referral.closed"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    secret = response.json()["secret"]
    # A referral to France Travail sent earlier: not among the changes synchronised below.
    earlier = actions.send(
        ofii,
        beneficiary=BeneficiaryFactory(ofii_organisation=orgs["ofii"]),
        to_organisation=orgs["france_travail"],
        reason="Inscription",
    )

    # OFII orients the person to France Travail: the webhook arrives, signed, without her name.
    with django_capture_on_commit_callbacks(execute=True):
        referral = actions.send(
            ofii, beneficiary=person, to_organisation=orgs["france_travail"], reason="Emploi"
        )
    assert len(receiver.requests) == 1
    hook = receiver.requests[0]
    assert hook["path"] == "/passerelle/hooks"
    assert hook["headers"]["X-Passerelle-Event"] == "referral.sent"
    payload = verified(hook, secret)
    assert payload["data"]["referral"] == referral.pk
    assert payload["data"]["status"] == "pending"
    assert person.last_name.encode() not in hook["body"]
    assert person.ofii_number.encode() not in hook["body"]
    since = timezone.now()

    # It fetches the referral, accepts it, records a diagnostic, closes it with an outcome.
    detail = reverse("referral-detail", args=[payload["data"]["referral"]])
    fetched = service_client.get(detail)
    assert fetched.status_code == 200
    assert fetched.json()["beneficiary"] == person.pk
    with django_capture_on_commit_callbacks(execute=True):
        accepted = service_client.post(reverse("referral-accept", args=[referral.pk]), {})
    assert accepted.json()["status"] == "accepted"
    today = timezone.localdate().isoformat()
    posted = service_client.post(
        reverse("followup-list"),
        {"referral": referral.pk, "kind": "diagnostic", "happened_on": today, "comment": "Fait"},
        format="json",
    )
    assert posted.status_code == 201, posted.content
    with django_capture_on_commit_callbacks(execute=True):
        closed = service_client.post(
            reverse("referral-close", args=[referral.pk]),
            {"outcome": Outcome.JOB_DURABLE, "outcome_date": today},
            format="json",
        )
    assert closed.json()["status"] == "closed"
    events = [verified(r, secret)["event"] for r in receiver.requests]
    assert events == ["referral.sent", "referral.answered", "referral.closed"]

    # What changed since: exactly that referral and that follow-up.
    changed = service_client.get(reverse("referral-list"), {"updated_since": since.isoformat()})
    assert changed.status_code == 200
    assert [row["id"] for row in changed.json()["results"]] == [referral.pk]
    assert changed.json()["next"] is None
    follow_ups = service_client.get(reverse("followup-list"), {"updated_since": since.isoformat()})
    assert [row["id"] for row in follow_ups.json()["results"]] == [posted.json()["id"]]
    everything = service_client.get(reverse("referral-list"))
    assert {row["id"] for row in everything.json()["results"]} == {referral.pk, earlier.pk}

    # The OFII sees them on the person's timeline.
    client.force_login(ofii)
    page = client.get(reverse("beneficiaries:detail", args=[person.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert escape(str(FollowUp.Kind.DIAGNOSTIC.label)) in html
    assert escape(str(Outcome.JOB_DURABLE.label)) in html
