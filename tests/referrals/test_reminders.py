import datetime

import pytest
from django.core import mail
from django.utils import timezone

from referrals import actions
from referrals.deadlines import add_working_days, answer_due_at
from referrals.models import Referral
from referrals.tasks import send_overdue_reminders

pytestmark = pytest.mark.django_db


def test_easter_and_working_days():
    # Friday 25 April 2025 + 10 working days skips two weekends, 1 May and 8 May.
    assert add_working_days(datetime.date(2025, 4, 25), 10) == datetime.date(2025, 5, 13)
    # Easter Monday (21 April 2025) is not a working day.
    assert add_working_days(datetime.date(2025, 4, 18), 1) == datetime.date(2025, 4, 22)


def test_a_moselle_deadline_skips_good_friday_the_national_one_does_not():
    # Thursday 2 April 2026; Good Friday is 3 April, Easter Monday 6 April.
    sent = timezone.make_aware(datetime.datetime(2026, 4, 2, 9, 0))
    # National: Fri 3, Tue 7 … Fri 10, Mon 13 … Fri 17 = 10 working days.
    assert timezone.localdate(answer_due_at(sent)) == datetime.date(2026, 4, 17)
    assert timezone.localdate(answer_due_at(sent, department="75")) == datetime.date(2026, 4, 17)
    # Moselle (and Alsace): Good Friday is a public holiday, one more day (after the weekend).
    assert timezone.localdate(answer_due_at(sent, department="57")) == datetime.date(2026, 4, 20)
    assert timezone.localdate(answer_due_at(sent, department="67")) == datetime.date(2026, 4, 20)


def test_alsace_moselle_and_overseas_calendars():
    # 26 December 2025 (a Friday) is a holiday in Moselle only.
    assert add_working_days(datetime.date(2025, 12, 24), 1, "57") == datetime.date(2025, 12, 29)
    assert add_working_days(datetime.date(2025, 12, 24), 1) == datetime.date(2025, 12, 26)
    # La Réunion: 20 December (abolition of slavery), a Monday in 2027.
    assert add_working_days(datetime.date(2027, 12, 17), 1, "974") == datetime.date(2027, 12, 21)
    assert add_working_days(datetime.date(2027, 12, 17), 1) == datetime.date(2027, 12, 20)


def test_a_referral_takes_its_department_s_calendar(ofii, orgs, young):
    orgs["ofii"].department.code = "57"
    orgs["ofii"].department.save()
    referral = actions.send(
        ofii, beneficiary=young, to_organisation=orgs["mission_locale"], reason="x"
    )
    assert Referral.objects.get(pk=referral.pk).answer_due_at == answer_due_at(
        referral.sent_at, department="57"
    )


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
