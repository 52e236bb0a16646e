"""Every date of a referral falls between its sending and today (an appointment may be in the
future): a French field error on the page and a 400 with field errors in the API."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import actions
from referrals.models import FollowUp, Referral, Status

pytestmark = pytest.mark.django_db

BEFORE_SENDING = "antérieure à l'envoi de l'orientation"


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_an_appointment_before_the_sending_is_refused_on_the_page(client, mission_locale, referral):
    client.force_login(mission_locale)
    response = client.post(
        reverse("referrals:act", args=[referral.pk, "accept"]),
        {"accept-appointment_at": "2019-03-01T10:00"},
    )
    assert response.status_code == 400
    assert BEFORE_SENDING in html.unescape(response.content.decode())
    assert Referral.objects.get(pk=referral.pk).status == Status.PENDING


def test_dates_before_the_sending_are_refused_by_the_api(api_as, mission_locale, referral):
    api = api_as(mission_locale)
    url = f"/api/v1/referrals/{referral.pk}/"
    response = api.post(url + "accept/", {"appointment_at": "2019-03-01T10:00:00+01:00"})
    assert response.status_code == 400
    assert BEFORE_SENDING in response.json()["appointment_at"][0]
    # A future appointment is fine.
    future = (timezone.now() + datetime.timedelta(days=3)).isoformat()
    assert api.post(url + "accept/", {"appointment_at": future}).status_code == 200
    response = api.post(url + "start/", {"first_appointment_at": "2019-03-01T10:00:00+01:00"})
    assert response.status_code == 400
    assert BEFORE_SENDING in response.json()["first_appointment_at"][0]
    response = api.post(url + "close/", {"outcome": "job_durable", "outcome_date": "2001-01-01"})
    assert response.status_code == 400
    assert BEFORE_SENDING in response.json()["outcome_date"][0]
    assert Referral.objects.get(pk=referral.pk).status == Status.ACCEPTED


def test_first_appointment_and_outcome_before_the_sending_are_refused_on_the_page(
    client, mission_locale, referral
):
    actions.accept(mission_locale, referral)
    client.force_login(mission_locale)
    response = client.post(
        reverse("referrals:act", args=[referral.pk, "start"]),
        {"start-first_appointment_at": "2019-03-01T10:00"},
    )
    assert response.status_code == 400
    assert BEFORE_SENDING in html.unescape(response.content.decode())
    response = client.post(
        reverse("referrals:act", args=[referral.pk, "close"]),
        {"close-outcome": "job_durable", "close-outcome_date": "2001-01-01"},
    )
    assert response.status_code == 400
    assert BEFORE_SENDING in html.unescape(response.content.decode())
    response = client.post(
        reverse("referrals:follow_up", args=[referral.pk]),
        {"follow_up-kind": "diagnostic", "follow_up-happened_on": "2001-01-01"},
    )
    assert response.status_code == 400
    assert BEFORE_SENDING in html.unescape(response.content.decode())
    assert not FollowUp.objects.exists()
    assert Referral.objects.get(pk=referral.pk).status == Status.ACCEPTED


def test_entering_an_accompaniment_starts_the_referral(client, mission_locale, referral, ofii):
    actions.accept(mission_locale, referral)
    client.force_login(mission_locale)
    response = client.post(
        reverse("referrals:follow_up", args=[referral.pk]),
        {
            "follow_up-kind": "accompaniment",
            "follow_up-accompaniment": "cej",
            "follow_up-happened_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.IN_PROGRESS
    assert referral.first_appointment_at is not None
    assert referral.events.filter(to_status=Status.IN_PROGRESS).count() == 1
