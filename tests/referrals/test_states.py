import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from beneficiaries.models import Beneficiary
from partners.models import AuditEntry
from referrals import actions, states
from referrals.deadlines import answer_due_at
from referrals.models import Referral, ReferralEvent, Status
from tests.factories import BeneficiaryFactory, member_of

pytestmark = pytest.mark.django_db


def test_send_writes_a_pending_referral_its_event_and_notifies_the_partner(
    ofii, orgs, young, django_capture_on_commit_callbacks
):
    before = Beneficiary.objects.get(pk=young.pk).last_activity_at
    with django_capture_on_commit_callbacks(execute=True):
        referral = actions.send(
            ofii, beneficiary=young, to_organisation=orgs["mission_locale"], reason="Emploi"
        )
    assert referral.status == Status.PENDING
    assert referral.from_organisation == orgs["ofii"]
    # Ten working days: at least two weekends later, at the end of the day (local time).
    assert referral.answer_due_at == answer_due_at(referral.sent_at)
    assert referral.answer_due_at > referral.sent_at + datetime.timedelta(days=11)
    (event,) = referral.events.all()
    assert (event.from_status, event.to_status, event.actor, event.organisation) == (
        "",
        Status.PENDING,
        ofii,
        orgs["ofii"],
    )
    assert Beneficiary.objects.get(pk=young.pk).last_activity_at > before
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [orgs["mission_locale"].notification_email]
    assert f"/orientations/{referral.pk}/" in message.body
    assert young.last_name not in message.body and young.first_name not in message.body
    assert young.ofii_number not in message.body + message.subject


def test_one_open_referral_per_person_and_partner(ofii, orgs, referral):
    with pytest.raises(ValidationError) as error:
        actions.send(
            ofii,
            beneficiary=referral.beneficiary,
            to_organisation=orgs["mission_locale"],
            reason="x",
        )
    assert "déjà en cours" in str(error.value.message_dict["to_organisation"])
    # Another partner is fine.
    actions.send(
        ofii, beneficiary=referral.beneficiary, to_organisation=orgs["france_travail"], reason="x"
    )


def test_a_closed_referral_allows_a_new_one_to_the_same_partner(
    ofii, mission_locale, orgs, referral
):
    actions.accept(mission_locale, referral)
    actions.close(
        mission_locale, referral, outcome="lost_contact", outcome_date=timezone.localdate()
    )
    actions.send(
        ofii, beneficiary=referral.beneficiary, to_organisation=orgs["mission_locale"], reason="x"
    )


def test_only_ofii_sends_and_only_to_a_receiving_partner_of_its_department(
    ofii, mission_locale, orgs, young
):
    with pytest.raises(states.TransitionNotAllowed):
        actions.send(
            mission_locale, beneficiary=young, to_organisation=orgs["france_travail"], reason="x"
        )
    for target in (orgs["partner"], orgs["france_travail93"], orgs["ofii"]):
        with pytest.raises(ValidationError):
            actions.send(ofii, beneficiary=young, to_organisation=target, reason="x")
    with pytest.raises(ValidationError) as error:
        actions.send(ofii, beneficiary=young, to_organisation=orgs["france_travail"], reason=" ")
    assert "reason" in error.value.message_dict


def test_full_path_accept_start_close(mission_locale, referral):
    appointment = timezone.now() + datetime.timedelta(days=3)
    actions.accept(mission_locale, referral, appointment_at=appointment)
    actions.start(mission_locale, referral)
    actions.close(
        mission_locale,
        referral,
        outcome="training_vocational",
        outcome_date=timezone.localdate(),
    )
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED
    assert referral.appointment_at == appointment
    assert referral.answered_at and referral.first_appointment_at and referral.closed_at
    assert [e.to_status for e in referral.events.all()] == [
        Status.PENDING,
        Status.ACCEPTED,
        Status.IN_PROGRESS,
        Status.CLOSED,
    ]
    assert (
        AuditEntry.objects.filter(
            object_type="referral", object_id=str(referral.pk), action="transition"
        ).count()
        == 3
    )


def test_refusal_needs_a_reason_and_other_needs_a_comment(mission_locale, referral):
    with pytest.raises(ValidationError) as error:
        actions.refuse(mission_locale, referral, reason="")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        actions.refuse(mission_locale, referral, reason="other", comment="  ")
    assert "comment" in error.value.message_dict
    assert Referral.objects.get(pk=referral.pk).status == Status.PENDING
    assert referral.events.count() == 1


def test_refusal_notifies_the_sender_unless_opted_out(
    ofii, mission_locale, referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.refuse(mission_locale, referral, reason="unreachable", comment="3 appels")
    assert [m.to for m in mail.outbox] == [[ofii.email]]
    assert referral.beneficiary.last_name not in mail.outbox[0].body
    referral.refresh_from_db()
    assert referral.refusal_reason == "unreachable" and referral.answered_at


def test_opted_out_sender_gets_no_refusal_mail(
    ofii, mission_locale, referral, django_capture_on_commit_callbacks
):
    from referrals.models import NotificationOptOut

    NotificationOptOut.objects.create(user=ofii, kind="refused")
    with django_capture_on_commit_callbacks(execute=True):
        actions.refuse(mission_locale, referral, reason="duplicate")
    assert mail.outbox == []


def test_accepting_a_cancelled_referral_is_not_allowed(ofii, mission_locale, referral):
    actions.cancel(ofii, referral, comment="Erreur de saisie")
    with pytest.raises(states.TransitionNotAllowed):
        actions.accept(mission_locale, referral)
    assert list(referral.events.values_list("to_status", flat=True)) == ["pending", "cancelled"]


def test_who_may_do_what(ofii, mission_locale, france_travail, referral):
    with pytest.raises(states.TransitionNotAllowed):
        actions.accept(ofii, referral)
    with pytest.raises(states.TransitionNotAllowed):
        actions.accept(france_travail, referral)
    with pytest.raises(states.TransitionNotAllowed):
        actions.cancel(mission_locale, referral)
    assert states.allowed_actions(mission_locale, referral) == [
        "accept",
        "refuse",
        "redirect",
        "review",
    ]
    assert states.allowed_actions(ofii, referral) == ["cancel"]
    assert states.allowed_actions(france_travail, referral) == []


def test_redirect_creates_a_new_pending_referral_for_the_other_partner(
    ofii, mission_locale, orgs, referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = actions.redirect(
            mission_locale,
            referral,
            to_organisation=orgs["france_travail"],
            comment="Projet de reconversion adulte",
        )
    referral.refresh_from_db()
    assert referral.status == Status.REDIRECTED and referral.redirected_to == new
    assert new.status == Status.PENDING and new.to_organisation == orgs["france_travail"]
    assert new.sender == ofii and new.from_organisation == orgs["ofii"]
    assert new.events.get().organisation == orgs["mission_locale"]
    recipients = sorted(tuple(m.to) for m in mail.outbox)
    assert recipients == sorted([(ofii.email,), (orgs["france_travail"].notification_email,)])


def test_redirect_to_a_partner_already_following_the_person_is_a_field_error(
    ofii, mission_locale, orgs, referral
):
    actions.send(
        ofii, beneficiary=referral.beneficiary, to_organisation=orgs["france_travail"], reason="x"
    )
    with pytest.raises(ValidationError) as error:
        actions.redirect(
            mission_locale, referral, to_organisation=orgs["france_travail"], comment="x"
        )
    assert "to_organisation" in error.value.message_dict
    assert Referral.objects.get(pk=referral.pk).status == Status.PENDING


def test_close_needs_outcome_and_a_past_date(mission_locale, referral):
    actions.accept(mission_locale, referral)
    with pytest.raises(ValidationError) as error:
        actions.close(mission_locale, referral, outcome="", outcome_date=None)
    assert set(error.value.message_dict) == {"outcome", "outcome_date"}
    with pytest.raises(ValidationError):
        actions.close(
            mission_locale,
            referral,
            outcome="job_durable",
            outcome_date=timezone.localdate() + datetime.timedelta(days=2),
        )


def test_assign_only_to_members_of_ones_organisation(mission_locale, france_travail, referral):
    colleague = member_of(mission_locale.active_membership.organisation)
    assert actions.assign(mission_locale, [referral.pk], colleague) == 1
    assert Referral.objects.get(pk=referral.pk).assigned_to == colleague
    with pytest.raises(ValidationError):
        actions.assign(mission_locale, [referral.pk], france_travail)
    # Referrals of another organisation are left alone.
    assert actions.assign(france_travail, [referral.pk], None) == 0


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_one_succeeds_one_conflicts(orgs, ofii):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL; SQLite serialises writers")
    counsellors = [member_of(orgs["mission_locale"]) for _ in range(2)]
    beneficiary = BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    referral = actions.send(
        ofii, beneficiary=beneficiary, to_organisation=orgs["mission_locale"], reason="x"
    )
    barrier = threading.Barrier(2)
    results = []

    def accept(user):
        from django.db import connections

        try:
            user = type(user).objects.get(pk=user.pk)
            barrier.wait()
            actions.accept(user, Referral(pk=referral.pk))
            results.append("ok")
        except states.TransitionNotAllowed:
            results.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(u,)) for u in counsellors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["conflict", "ok"]
    assert ReferralEvent.objects.filter(referral=referral, to_status=Status.ACCEPTED).count() == 1
