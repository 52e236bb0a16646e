import datetime

import pytest
from django.core import mail
from django.utils import timezone

from referrals import actions
from referrals.deadlines import add_working_days, answer_due_at, easter_sunday
from referrals.models import Referral
from referrals.tasks import send_overdue_reminders

pytestmark = pytest.mark.django_db


def test_easter_and_working_days():
    assert easter_sunday(2025) == datetime.date(2025, 4, 20)
    assert easter_sunday(2026) == datetime.date(2026, 4, 5)
    # Friday 25 April 2025 + 10 working days skips two weekends, 1 May and 8 May.
    assert add_working_days(datetime.date(2025, 4, 25), 10) == datetime.date(2025, 5, 13)
    # Easter Monday (21 April 2025) is not a working day.
    assert add_working_days(datetime.date(2025, 4, 18), 1) == datetime.date(2025, 4, 22)


def test_answer_deadline_is_configurable(settings):
    sent = timezone.make_aware(datetime.datetime(2025, 3, 3, 9, 0))  # a Monday
    assert timezone.localdate(answer_due_at(sent)) == datetime.date(2025, 3, 17)
    settings.REFERRAL_ANSWER_WORKING_DAYS = 5
    assert timezone.localdate(answer_due_at(sent)) == datetime.date(2025, 3, 10)


def make_overdue(referral, days=1):
    Referral.objects.filter(pk=referral.pk).update(
        answer_due_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_one_reminder_when_overdue_and_one_more_a_week_later(
    referral, orgs, django_capture_on_commit_callbacks
):
    make_overdue(referral)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_reminders() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_reminders() == 0  # same period: nothing more
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [orgs["mission_locale"].notification_email]
    assert f"/orientations/{referral.pk}/" in message.body
    person = referral.beneficiary
    for personal in (person.last_name, person.first_name, person.ofii_number):
        assert personal not in message.body and personal not in message.subject

    # Six days later: still the same period.
    Referral.objects.filter(pk=referral.pk).update(
        last_reminder_at=timezone.now() - datetime.timedelta(days=6)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_reminders() == 0
    # A week after the first reminder: exactly one more.
    Referral.objects.filter(pk=referral.pk).update(
        last_reminder_at=timezone.now() - datetime.timedelta(days=7, minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_reminders() == 1
        assert send_overdue_reminders() == 0
    assert len(mail.outbox) == 2


def test_no_reminder_before_the_deadline_or_once_answered(
    referral, mission_locale, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_reminders() == 0
    make_overdue(referral)
    actions.accept(mission_locale, referral)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_reminders() == 0
    assert mail.outbox == []


def test_reminders_are_grouped_per_organisation(
    referral, ofii, orgs, django_capture_on_commit_callbacks
):
    from tests.factories import BeneficiaryFactory

    other = actions.send(
        ofii,
        beneficiary=BeneficiaryFactory(ofii_organisation=orgs["ofii"]),
        to_organisation=orgs["mission_locale"],
        reason="x",
    )
    make_overdue(referral)
    make_overdue(other)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_reminders() == 2
    assert len(mail.outbox) == 1
    assert "2 orientation(s)" in mail.outbox[0].body


def test_without_organisation_address_members_who_did_not_opt_out_get_it(
    referral, orgs, mission_locale, django_capture_on_commit_callbacks
):
    from referrals.models import NotificationOptOut
    from tests.factories import member_of

    orgs["mission_locale"].notification_email = ""
    orgs["mission_locale"].save()
    colleague = member_of(orgs["mission_locale"])
    NotificationOptOut.objects.create(user=mission_locale, kind="reminder")
    make_overdue(referral)
    with django_capture_on_commit_callbacks(execute=True):
        send_overdue_reminders()
    assert [m.to for m in mail.outbox] == [[colleague.email]]


def test_the_beat_schedule_runs_the_reminders(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "referrals.tasks.send_overdue_reminders" in tasks
