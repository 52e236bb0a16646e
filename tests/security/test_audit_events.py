"""The audit of authentication events and refusals; a journal nobody edits or deletes, purged
after its retention with a dry run; one row per list (issues 11 and 12)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from partners import audit
from partners.models import AuditEntry

from ..conftest import PASSWORD
from ..factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def no_address_in(entry, email):
    values = [
        str(value) for value in AuditEntry.objects.filter(pk=entry.pk).values().get().values()
    ]
    return all(email not in value for value in values)


def test_a_login_and_a_failure_are_recorded_without_the_address(client, ofii):
    client.post(reverse("login"), {"username": ofii.email.upper(), "password": "wrong"})
    client.post(reverse("login"), {"username": ofii.email, "password": PASSWORD})
    failed = AuditEntry.objects.get(action="login_failed")
    assert failed.object_id == str(ofii.pk) and failed.actor is None
    assert no_address_in(failed, ofii.email)
    assert AuditEntry.objects.filter(action="login", actor=ofii, channel="web").count() == 1


def test_a_failure_for_an_unknown_address_names_no_account(client, db):
    client.post(reverse("login"), {"username": "inconnu@nulle-part.test", "password": "wrong"})
    failed = AuditEntry.objects.get(action="login_failed")
    assert failed.object_id == ""
    assert no_address_in(failed, "inconnu@nulle-part.test")


def test_a_lockout_is_recorded(client, ofii):
    for _ in range(5):
        client.post(reverse("login"), {"username": ofii.email, "password": "wrong"})
    lockout = AuditEntry.objects.get(action="lockout")
    assert lockout.object_id == str(ofii.pk)


def test_a_refused_page_is_recorded_without_personal_data(client, partner):
    client.force_login(partner)  # a partner association has no statistics
    assert client.get(reverse("governance:statistics")).status_code == 404
    refused = AuditEntry.objects.get(action="refused")
    assert refused.actor == partner
    assert refused.detail == "route=governance:statistics"


def test_a_refused_api_endpoint_is_recorded(api_as, partner):
    assert api_as(partner).get("/api/v1/statistics/").status_code == 404
    refused = AuditEntry.objects.get(action="refused")
    assert (refused.channel, refused.detail) == ("api", "route=statistics-list")


def test_the_admin_can_neither_change_nor_delete_an_audit_row(client, platform_admin, ofii):
    entry = audit.record(ofii, audit.Action.VIEW, "beneficiary", 1)
    client.force_login(platform_admin)
    change = client.post(
        reverse("admin:partners_auditentry_change", args=[entry.pk]), {"object_id": "2"}
    )
    delete = client.post(
        reverse("admin:partners_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert change.status_code == 403
    assert delete.status_code == 403
    entry.refresh_from_db()
    assert entry.object_id == "1"
    assert client.get(reverse("admin:partners_auditentry_changelist")).status_code == 200


def test_an_audit_row_cannot_be_saved_again(ofii):
    entry = audit.record(ofii, audit.Action.VIEW, "beneficiary", 1)
    entry.object_id = "2"
    with pytest.raises(ValueError):
        entry.save()


def test_a_list_writes_one_row_holding_the_ids_shown(client, ofii, orgs):
    people = [BeneficiaryFactory(ofii_organisation=orgs["ofii"]) for _ in range(3)]
    client.force_login(ofii)
    assert client.get(reverse("beneficiaries:list")).status_code == 200
    row = AuditEntry.objects.get(action="list", object_type="beneficiary")
    assert set(row.shown_ids) == {str(person.pk) for person in people}
    assert AuditEntry.objects.about("beneficiary", people[1].pk).get() == row


@pytest.fixture
def old_and_recent(ofii):
    old = audit.record(ofii, audit.Action.VIEW, "beneficiary", 1)
    months = django_settings.AUDIT_RETENTION_MONTHS
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=31 * months + 1))
    recent = audit.record(ofii, audit.Action.VIEW, "beneficiary", 2)
    return old, recent


def test_purge_without_apply_changes_nothing(old_and_recent):
    out = StringIO()
    call_command("purge_audit", stdout=out)
    assert AuditEntry.objects.count() == 2
    assert out.getvalue().startswith("1 entrées")
    assert "simulation" in out.getvalue()


def test_purge_with_apply_deletes_only_rows_past_the_retention(old_and_recent):
    old, recent = old_and_recent
    call_command("purge_audit", "--apply", stdout=StringIO())
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_nightly_job_purges(old_and_recent, settings):
    from partners.tasks import purge_audit

    assert settings.CELERY_BEAT_SCHEDULE["purge-audit"]["task"] == "partners.tasks.purge_audit"
    assert purge_audit.delay().get() == 1
    assert AuditEntry.objects.count() == 1
