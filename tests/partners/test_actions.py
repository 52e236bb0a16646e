"""The directory's state changes go through partners.actions, each with its audit row."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partners import actions
from partners.models import AuditEntry, Contact
from tests.factories import member_of

from .factories import ServiceOfferFactory

pytestmark = pytest.mark.django_db


def audited(object_type):
    return list(
        AuditEntry.objects.filter(object_type=object_type)
        .order_by("pk")
        .values_list("action", "detail")
    )


def test_directory_changes_write_their_audit_rows(client, orgs):
    organisation = orgs["partner"]
    admin = member_of(organisation, is_admin=True)
    client.force_login(admin)
    client.post(
        reverse("organisation_edit", args=[organisation.pk]),
        {"name": "Association Paris Nord", "address": "", "notification_email": ""},
    )
    organisation.refresh_from_db()
    assert organisation.name == "Association Paris Nord"
    assert audited("organisation") == [("update", "")]

    client.post(
        reverse("contact_create", args=[organisation.pk]),
        {"name": "Samir Haddad", "role": "Référent"},
    )
    contact = Contact.objects.get()
    client.post(reverse("contact_delete", args=[organisation.pk, contact.pk]))
    assert [action for action, _ in audited("contact")] == ["create", "update"]
    assert audited("contact")[1][1].startswith("delete")

    offer = ServiceOfferFactory(
        organisation=organisation, last_reviewed_on=datetime.date(2020, 1, 1)
    )
    client.post(reverse("offer_reviewed", args=[organisation.pk, offer.pk]))
    offer.refresh_from_db()
    assert offer.last_reviewed_on == timezone.localdate()
    assert audited("service_offer") == [("update", "reviewed")]


def test_directory_actions_refuse_non_admins(orgs):
    member = member_of(orgs["partner"])
    offer = ServiceOfferFactory(organisation=orgs["partner"])
    with pytest.raises(actions.MembershipError):
        actions.mark_reviewed(member, offer)
    with pytest.raises(actions.MembershipError):
        actions.save_contact(member, orgs["partner"], Contact(name="X"))
    assert not AuditEntry.objects.exists()
