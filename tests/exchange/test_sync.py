"""Incremental sync: ``updated_since`` and a cursor on (updated_at, id) on every list, and
tombstones for what was deleted or anonymised (id and date only, seen by who saw the record)."""

import datetime
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.actions import anonymise
from exchange.models import Tombstone
from partners.api_sync import SyncPagination, encode_cursor
from referrals.models import Referral
from tests.factories import BeneficiaryFactory, InterviewFactory, ReferralFactory
from tests.partners.factories import ServiceOfferFactory

UTC_PLUS_23 = datetime.timezone(datetime.timedelta(hours=22, minutes=59))

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(SyncPagination, "page_size", 2)
    return 2


def read_all(client, url, params):
    """Every page of a synchronisation: the ids in order, and how many pages."""
    ids, pages = [], 0
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        pages += 1
        ids += [row["id"] for row in response.json()["results"]]
        if response.json()["next"] is None:
            return ids, pages
        response = client.get(response.json()["next"])


def test_a_sync_walks_every_change_once_in_a_stable_order(
    api_as, orgs, ofii, mission_locale, small_pages
):
    referrals = [
        ReferralFactory(to_organisation=orgs["mission_locale"], sender=ofii) for _ in range(5)
    ]
    since = timezone.now() - timedelta(minutes=1)
    client = api_as(mission_locale)
    ids, pages = read_all(client, reverse("referral-list"), {"updated_since": since.isoformat()})
    expected = list(
        Referral.objects.filter(pk__in=[r.pk for r in referrals])
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)
    )
    assert ids == expected
    assert pages == -(-len(referrals) // small_pages)


def test_a_row_changed_between_pages_is_neither_skipped_nor_repeated(
    api_as, orgs, ofii, mission_locale, small_pages
):
    referrals = [
        ReferralFactory(to_organisation=orgs["mission_locale"], sender=ofii) for _ in range(4)
    ]
    client = api_as(mission_locale)
    since = (timezone.now() - timedelta(minutes=1)).isoformat()
    first = client.get(reverse("referral-list"), {"updated_since": since}).json()
    seen = [row["id"] for row in first["results"]]
    changed = Referral.objects.get(pk=seen[0])
    changed.save()  # changed after it was read: it comes again, after the others
    rest, _pages = read_all(client, first["next"], {})
    assert sorted(seen + rest) == sorted([r.pk for r in referrals] + [changed.pk])
    assert rest[-1] == changed.pk


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"updated_since": "hier"}, "updated_since"),
        ({"updated_since": "2026-13-45"}, "updated_since"),
        ({"cursor": "pas-un-curseur"}, "cursor"),
        # Found by the fuzzer: an offset PostgreSQL refuses, in a year no one types.
        ({"updated_since": "0409-02-25T17:02:56+22:59"}, "updated_since"),
        ({"updated_since": "9999-12-31T23:59:59-12:00"}, "updated_since"),
        ({"cursor": encode_cursor(datetime.datetime(409, 2, 25, tzinfo=UTC_PLUS_23), 1)}, "cursor"),
    ],
)
def test_a_bad_sync_parameter_answers_400(api_as, mission_locale, params, field):
    response = api_as(mission_locale).get(reverse("referral-list"), params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_every_list_accepts_updated_since(api_as, orgs, ofii):
    since = (timezone.now() - timedelta(days=1)).isoformat()
    client = api_as(ofii)
    for name in (
        "beneficiary-list",
        "interview-list",
        "qualification-list",
        "referral-list",
        "followup-list",
        "organisation-list",
        "offer-list",
        "training-list",
        "resource-list",
        "tombstone-list",
    ):
        response = client.get(reverse(name), {"updated_since": since})
        assert response.status_code == 200, (name, response.content)
        assert response.json()["next"] is None


def test_the_governance_lists_and_the_reconciliations_sync_too(
    api_as, orgs, prefecture, france_travail
):
    """Agreements, meetings, bilans and reconciliations carry ``updated_at``; a change saved with
    ``update_fields`` (a meeting held) or by a bulk update (a bilan's progress) comes again."""
    from exchange.models import ReconciliationRun
    from governance import actions as governance
    from governance.bilan import actions as bilan
    from governance.models import AnnualReport, Meeting
    from tests.bilan.factories import paris_agreement

    start = (timezone.now() - timedelta(seconds=1)).isoformat()
    agreement = paris_agreement(orgs)
    planned = Meeting.objects.create(
        committee=agreement.committees.first(), date=timezone.now(), place="Préfecture, salle 2"
    )
    report = AnnualReport.objects.create(agreement=agreement, year=2025, version=1)
    run = ReconciliationRun.objects.create(
        organisation=orgs["france_travail"],
        department=orgs["france_travail"].department,
        created_by=france_travail,
    )
    client = api_as(prefecture)

    def changed(name, since, user=prefecture):
        response = api_as(user).get(reverse(name), {"updated_since": since})
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert changed("agreement-list", start) == [agreement.pk]
    assert sorted(changed("meeting-list", start)) == sorted(
        Meeting.objects.filter(committee__agreement=agreement).values_list("pk", flat=True)
    )
    assert changed("report-list", start) == [report.pk]
    assert changed("reconciliation-list", start, france_travail) == [run.pk]
    later = timezone.now() + timedelta(milliseconds=1)
    assert changed("meeting-list", later.isoformat()) == []
    time.sleep(0.002)  # what follows changes after ``later``
    governance.hold_meeting(prefecture, planned.pk)
    assert bilan.claim(report.pk)
    assert changed("meeting-list", later.isoformat()) == [planned.pk]
    assert changed("report-list", later.isoformat()) == [report.pk]
    row = client.get(reverse("report-list"), {"updated_since": later.isoformat()}).json()
    assert (
        row["results"][0]["updated_at"]
        == AnnualReport.objects.get()
        .updated_at.astimezone(timezone.get_current_timezone())
        .isoformat()
    )


def test_an_offer_marked_reviewed_comes_again_in_the_sync(api_as, orgs, ofii):
    """``last_reviewed_on`` is saved with ``update_fields``: ``updated_at`` must go with it."""
    from partners import actions as partners
    from tests.factories import member_of

    admin = member_of(orgs["mission_locale"], is_admin=True)
    offer = ServiceOfferFactory(
        organisation=orgs["mission_locale"], last_reviewed_on=datetime.date(2025, 1, 1)
    )
    later = timezone.now() + timedelta(milliseconds=1)
    time.sleep(0.002)  # what follows changes after ``later``
    partners.mark_reviewed(admin, offer)
    rows = api_as(ofii).get(reverse("offer-list"), {"updated_since": later.isoformat()}).json()
    assert [(row["id"], row["last_reviewed_on"]) for row in rows["results"]] == [
        (offer.pk, timezone.localdate().isoformat())
    ]


def test_the_page_numbers_stay_for_a_list_without_updated_since(api_as, orgs, ofii):
    ReferralFactory(
        beneficiary=BeneficiaryFactory(ofii_organisation=orgs["ofii"]),
        sender=ofii,
        to_organisation=orgs["mission_locale"],
    )
    body = api_as(ofii).get(reverse("referral-list")).json()
    assert body["count"] == 1


def test_an_anonymised_file_leaves_tombstones_for_who_saw_it(
    api_as, orgs, ofii, ofii93, mission_locale, france_travail
):
    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    interview = InterviewFactory(beneficiary=person)
    ReferralFactory(beneficiary=person, sender=ofii, to_organisation=orgs["mission_locale"])
    since = timezone.now().isoformat()
    anonymise([person.pk])

    def gone(user):
        rows = api_as(user).get(reverse("tombstone-list"), {"updated_since": since}).json()
        return sorted((row["object_type"], row["id"]) for row in rows["results"])

    expected = [("beneficiary", person.pk), ("interview", interview.pk)]
    assert gone(ofii) == expected
    assert gone(mission_locale) == expected
    assert gone(france_travail) == []
    assert gone(ofii93) == []
    row = api_as(ofii).get(reverse("tombstone-list")).json()["results"][0]
    assert set(row) == {"object_type", "id", "reason", "deleted_at", "updated_at"}
    assert row["reason"] == "anonymised"
    # And the file is no longer in the synchronised list.
    files = api_as(ofii).get(reverse("beneficiary-list"), {"updated_since": since}).json()
    assert files["results"] == []


def test_a_deleted_offer_leaves_a_tombstone_for_its_department(api_as, orgs, ofii, ofii93):
    offer = ServiceOfferFactory(organisation=orgs["mission_locale"])
    offer_id = offer.pk
    offer.delete()
    rows = api_as(ofii).get(reverse("tombstone-list"), {"object_type": "offer"}).json()
    assert [(row["id"], row["reason"]) for row in rows["results"]] == [(offer_id, "deleted")]
    assert api_as(ofii93).get(reverse("tombstone-list")).json()["count"] == 0
    assert Tombstone.objects.count() == 1


def test_a_new_message_brings_its_referral_into_the_sync(api_as, orgs, ofii, mission_locale):
    from referrals import messaging

    referral = ReferralFactory(
        beneficiary=BeneficiaryFactory(ofii_organisation=orgs["ofii"]),
        sender=ofii,
        to_organisation=orgs["mission_locale"],
    )
    since = timezone.now().isoformat()
    client = api_as(mission_locale)
    assert client.get(reverse("referral-list"), {"updated_since": since}).json()["results"] == []
    messaging.post_message(ofii, referral, text="Bonjour")
    rows = client.get(reverse("referral-list"), {"updated_since": since}).json()["results"]
    assert [row["id"] for row in rows] == [referral.pk]
