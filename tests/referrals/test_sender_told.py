"""The sender is told (accepted, first appointment, closed; escalation), the person is reminded
of the first appointment, the receiver may put a referral under review, and assigning is logged
and notified."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from referrals import actions, states, tasks
from referrals.models import NotificationOptOut, Outcome, Referral, ReferralEvent, Status

pytestmark = pytest.mark.django_db


def test_the_acceptance_email_reaches_the_sender_once(
    client, mission_locale, ofii, referral, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    client.force_login(mission_locale)
    url = reverse("referrals:act", args=[referral.pk, "accept"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {})
        client.post(url, {})  # a double click: the second finds it accepted
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([ofii.email], "[Passerelle] Orientation acceptée")
    ]
    assert "Diallo" not in mail.outbox[0].body


def test_first_appointment_and_closure_are_told_unless_opted_out(
    mission_locale, ofii, referral, django_capture_on_commit_callbacks
):
    NotificationOptOut.objects.create(user=ofii, kind="closed")
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept(mission_locale, referral)
        actions.start(mission_locale, referral)
        actions.close(
            mission_locale, referral, outcome=Outcome.JOB_DURABLE, outcome_date=timezone.localdate()
        )
    assert [m.subject for m in mail.outbox] == [
        "[Passerelle] Orientation acceptée",
        "[Passerelle] Premier rendez-vous tenu",
    ]


def test_under_review_keeps_the_deadline_and_the_sender_may_cancel(
    client, mission_locale, ofii, referral
):
    client.force_login(mission_locale)
    response = client.post(reverse("referrals:act", args=[referral.pk, "review"]), {})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.UNDER_REVIEW
    later = referral.answer_due_at + datetime.timedelta(hours=1)
    assert list(Referral.objects.overdue(later)) == [referral]
    assert states.allowed_actions(ofii, referral) == ["cancel"]
    client.force_login(ofii)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "À l&#x27;étude" in page or "À l'étude" in page
    assert "Annuler l&#x27;orientation" in page
    assert "Confirmer" not in page
    actions.cancel(ofii, referral)
    assert Referral.objects.get(pk=referral.pk).status == Status.CANCELLED


def test_review_through_the_api_is_scoped(api_as, mission_locale, france_travail, referral):
    url = f"/api/v1/referrals/{referral.pk}/review/"
    assert api_as(france_travail).post(url, {}, format="json").status_code == 404
    response = api_as(mission_locale).post(url, {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "under_review"
    assert api_as(mission_locale).post(url, {}, format="json").status_code == 409


def test_escalation_flags_once_and_nothing_expires(
    ofii, referral, django_capture_on_commit_callbacks
):
    due = referral.answer_due_at
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_unanswered(now=due + datetime.timedelta(days=5)) == 0
        assert tasks.escalate_unanswered(now=due + datetime.timedelta(days=20)) == 1
        assert tasks.escalate_unanswered(now=due + datetime.timedelta(days=21)) == 0
    referral.refresh_from_db()
    assert referral.status == Status.PENDING and referral.is_unanswered
    assert list(Referral.objects.unanswered()) == [referral]
    assert [m.subject for m in mail.outbox] == ["[Passerelle] Orientation sans réponse"]


def test_the_person_is_reminded_two_days_before(
    client, mission_locale, referral, young, django_capture_on_commit_callbacks
):
    young.email = "aminata@example.test"
    young.save()
    appointment = timezone.now() + datetime.timedelta(days=2)
    actions.accept(mission_locale, referral, appointment_at=appointment)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_people(now=appointment - datetime.timedelta(days=3)) == 0
        assert tasks.remind_people() == 1
        assert tasks.remind_people() == 0
    [message] = mail.outbox
    assert message.to == ["aminata@example.test"]
    assert "Mission Locale Paris" in message.body
    assert timezone.localtime(appointment).strftime("%d/%m/%Y") in message.body
    for private in ("Diallo", "Aminata", "Recherche d'emploi", "restauration"):
        assert private not in message.body
    client.force_login(mission_locale)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Courriel de rappel envoyé le" in page


def test_no_reminder_when_the_person_opted_out(mission_locale, referral, young):
    young.email = "aminata@example.test"
    young.appointment_reminders = False
    young.save()
    actions.accept(
        mission_locale, referral, appointment_at=timezone.now() + datetime.timedelta(days=2)
    )
    assert tasks.remind_people() == 0


def test_assigning_from_the_page_logs_an_event_and_tells_the_counsellor(
    client, mission_locale, orgs, referral, django_capture_on_commit_callbacks
):
    from tests.factories import member_of

    colleague = member_of(orgs["mission_locale"])
    client.force_login(mission_locale)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referrals:assign", args=[referral.pk]), {"assign-assigned_to": colleague.pk}
        )
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).assigned_to == colleague
    event = ReferralEvent.objects.get(referral=referral, kind="assigned")
    assert event.from_status == event.to_status == Status.PENDING
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    # Someone of another organisation cannot be assigned.
    stranger = member_of(orgs["france_travail"])
    response = client.post(
        reverse("referrals:assign", args=[referral.pk]), {"assign-assigned_to": stranger.pk}
    )
    assert Referral.objects.get(pk=referral.pk).assigned_to == colleague


def test_assign_through_the_api(api_as, mission_locale, france_travail, referral, orgs):
    url = f"/api/v1/referrals/{referral.pk}/assign/"
    assert api_as(france_travail).post(url, {"assigned_to": None}, format="json").status_code == 404
    api = api_as(mission_locale)
    response = api.post(url, {"assigned_to": france_travail.pk}, format="json")
    assert response.status_code == 400 and "assigned_to" in response.json()
    response = api.post(url, {"assigned_to": mission_locale.pk}, format="json")
    assert response.status_code == 200 and response.json()["assigned_to"] == mission_locale.pk


def test_the_inbox_opens_on_open_referrals(client, mission_locale, referral, ofii):
    actions.cancel(ofii, referral)
    client.force_login(mission_locale)
    assert "DIALLO" not in client.get(reverse("referrals:inbox")).content.decode()
    assert "DIALLO" in client.get(reverse("referrals:inbox") + "?status=").content.decode()


def test_preferences_say_where_organisation_mail_goes(client, mission_locale, orgs):
    orgs["mission_locale"].notification_email = "contact@ml.test"
    orgs["mission_locale"].save()
    client.force_login(mission_locale)
    page = client.get(reverse("referrals:preferences")).content.decode()
    assert "contact@ml.test" in page
    assert "Orientation qui m&#x27;est attribuée" in page
