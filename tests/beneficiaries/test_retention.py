import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from beneficiaries import retention
from beneficiaries.models import Beneficiary, Correction, Interview
from partners.models import AuditEntry

from ..factories import BeneficiaryFactory, InterviewFactory

pytestmark = pytest.mark.django_db


def inactive_for(months, orgs, *, path_ended_months_ago=36, **kwargs):
    """A file without activity for ``months``, whose five-year path ended long ago (unless
    said otherwise)."""
    permit = timezone.localdate() - relativedelta(years=5, months=path_ended_months_ago)
    return BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        last_activity_at=timezone.now() - relativedelta(months=months),
        birth_date=datetime.date(1980, 7, 14),
        email="personne@example.org",
        phone="0612345678",
        first_permit_date=permit,
        cir_signed_on=permit + datetime.timedelta(days=30),
        **kwargs,
    )


def test_a_25_month_old_inactive_file_is_anonymised_a_23_month_old_one_is_left(orgs, ofii):
    old = inactive_for(25, orgs, sex="F", nationality="AF", permit_kind="refugee", rqth=True)
    recent = inactive_for(23, orgs)
    InterviewFactory(beneficiary=old, social_situation="Hébergée", spe_decision="oriented")
    Correction.objects.create(beneficiary=old, changes={"phone": {"old": "06", "new": "07"}})

    assert retention.run(apply=True) == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.anonymised_at is not None and recent.anonymised_at is None
    assert (old.last_name, old.first_name, old.email, old.phone, old.search_key) == ("",) * 5
    assert old.ofii_number == f"ANON-{old.pk}"
    # What statistics need stays.
    assert (old.sex, old.nationality, old.permit_kind, old.rqth) == ("F", "AF", "refugee", True)
    assert old.birth_date == datetime.date(1980, 1, 1)
    assert old.cir_signed_on is not None and old.ofii_organisation == orgs["ofii"]
    interview = Interview.objects.get(beneficiary=old)
    assert (interview.social_situation, interview.spe_decision) == ("", "oriented")
    assert not Correction.objects.filter(beneficiary=old).exists()
    assert AuditEntry.objects.filter(action="anonymise", object_id=str(old.pk)).exists()
    # It can no longer be opened.
    assert old not in Beneficiary.objects.visible_to(ofii)
    assert recent.last_name != ""


def test_an_anonymised_file_answers_404(client, ofii, orgs):
    old = inactive_for(25, orgs)
    retention.run(apply=True)
    client.force_login(ofii)
    assert client.get(reverse("beneficiaries:detail", args=[old.pk])).status_code == 404


def test_the_command_does_nothing_without_apply(orgs, capsys):
    old = inactive_for(25, orgs)
    call_command("apply_retention")
    old.refresh_from_db()
    assert old.anonymised_at is None
    assert "1 dossier(s) seraient anonymisé(s)" in capsys.readouterr().out
    call_command("apply_retention", "--apply")
    old.refresh_from_db()
    assert old.anonymised_at is not None


def test_the_retention_period_is_a_setting(orgs, settings):
    settings.RETENTION_MONTHS = 36
    inactive_for(25, orgs)
    assert retention.run(apply=True) == 0


def test_beat_runs_the_retention_task(settings):
    from beneficiaries.tasks import apply_retention

    entry = settings.CELERY_BEAT_SCHEDULE["beneficiaries-retention"]
    assert entry["task"] == apply_retention.name


def test_the_task_anonymises(orgs):
    from beneficiaries.tasks import apply_retention

    inactive_for(25, orgs)
    assert apply_retention.delay().get() == 1


def test_retention_keeps_a_file_inside_its_five_year_path(orgs):
    """25 months without activity, but the path is still running (first permit 4 years ago):
    kept, whatever the inactivity."""
    running = inactive_for(25, orgs, path_ended_months_ago=-12)
    assert running.eligible_until > timezone.localdate()
    assert retention.run(apply=True) == 0
    running.refresh_from_db()
    assert running.anonymised_at is None


def test_the_clock_starts_at_the_end_of_the_path_when_it_is_later(orgs):
    """Inactive for 30 months; the path ended 23 months ago: kept. Ended 25 months ago: gone."""
    recent_end = inactive_for(30, orgs, path_ended_months_ago=23)
    old_end = inactive_for(30, orgs, path_ended_months_ago=25)
    assert retention.run(apply=True) == 1
    recent_end.refresh_from_db()
    old_end.refresh_from_db()
    assert recent_end.anonymised_at is None
    assert old_end.anonymised_at is not None
