"""The caseload ("Mes accompagnements"): mine by default, flags, search, sort, counts on the
home, the API filters; a constant number of queries at 10 and 1,000 referrals."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import actions
from referrals.models import CaseloadSettings, FollowUp, Status
from tests.factories import BeneficiaryFactory

from .factories import many_followed

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(mission_locale, ofii, orgs, referral, young):
    """The young person's referral, accepted with an appointment yesterday, assigned to the
    counsellor; it was sent three days ago."""
    young.france_travail_id = "FT123456"
    young.save()
    type(referral).objects.filter(pk=referral.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=3)
    )
    actions.accept(
        mission_locale, referral, appointment_at=timezone.now() - datetime.timedelta(days=1)
    )
    actions.assign(mission_locale, [referral.pk], mission_locale)
    return referral


def rows(client, **params):
    response = client.get(reverse("referrals:caseload"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_mine_by_default_with_the_passed_appointment_flag(client, mission_locale, followed):
    client.force_login(mission_locale)
    page = rows(client)
    assert "DIALLO Aminata" in page
    assert 'data-flag="appointment_passed"' in page
    assert "DIALLO" in rows(client, flag="appointment_passed")
    assert "DIALLO" not in rows(client, flag="stale")
    # The flagged row records the first appointment, at the planned time, and comes back.
    response = client.post(
        reverse("referrals:act", args=[followed.pk, "start"]),
        {
            "start-first_appointment_at": timezone.localtime(followed.appointment_at).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "next": reverse("referrals:caseload"),
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("referrals:caseload")
    followed.refresh_from_db()
    assert followed.status == Status.IN_PROGRESS
    assert "DIALLO" not in rows(client, flag="appointment_passed")


def test_search_by_name_ofii_number_and_france_travail_id(client, mission_locale, followed, young):
    client.force_login(mission_locale)
    for text in ("aminata diallo", young.ofii_number, "ft123456"):
        assert "DIALLO" in rows(client, q=text), text
    assert "DIALLO" not in rows(client, q="Karimi")


def test_others_are_in_the_organisation_tab_and_stale_follows_the_setting(
    client, mission_locale, orgs, followed, ofii
):
    from tests.factories import member_of

    colleague = member_of(orgs["mission_locale"])
    client.force_login(colleague)
    assert "DIALLO" not in rows(client)
    assert "DIALLO" in rows(client, tab="organisation")
    FollowUp.objects.create(
        referral=followed,
        kind=FollowUp.Kind.DIAGNOSTIC,
        happened_on=timezone.localdate() - datetime.timedelta(days=2),
        author=mission_locale,
        organisation=orgs["mission_locale"],
    )
    assert "DIALLO" not in rows(client, tab="organisation", flag="stale")
    CaseloadSettings.objects.create(organisation=orgs["mission_locale"], stale_after_days=7)
    # Not stale after 2 days with a 7-day rule either; back-date the follow-up.
    FollowUp.objects.update(happened_on=timezone.localdate() - datetime.timedelta(days=8))
    assert "DIALLO" in rows(client, tab="organisation", flag="stale")


def test_eligibility_ends_soon(client, mission_locale, followed, young):
    client.force_login(mission_locale)
    assert "DIALLO" not in rows(client, flag="eligibility")
    young.first_permit_date = timezone.localdate().replace(year=timezone.localdate().year - 5) + (
        datetime.timedelta(days=30)
    )
    young.save()
    assert "DIALLO" in rows(client, flag="eligibility")


def test_sorting_by_name_both_ways(client, mission_locale, ofii, orgs, followed):
    other = BeneficiaryFactory(ofii_organisation=orgs["ofii"], last_name="Abadi")
    second = actions.send(
        ofii, beneficiary=other, to_organisation=orgs["mission_locale"], reason="x"
    )
    actions.accept(mission_locale, second)
    actions.assign(mission_locale, [second.pk], mission_locale)
    client.force_login(mission_locale)
    page = rows(client, sort="name")
    assert page.index("ABADI") < page.index("DIALLO")
    page = rows(client, sort="-name")
    assert page.index("DIALLO") < page.index("ABADI")
    assert "ABADI" in rows(client, sort="nonsense")


def test_counts_on_the_counsellor_home(client, mission_locale, followed):
    client.force_login(mission_locale)
    home = client.get(reverse("home")).content.decode()
    assert "Mes personnes suivies : 1" in home
    assert "Rendez-vous passés non renseignés : 1" in home


def test_the_sender_cannot_open_the_caseload(client, ofii, api_as):
    client.force_login(ofii)
    assert client.get(reverse("referrals:caseload")).status_code == 404


def test_the_api_caseload_filters(api_as, mission_locale, france_travail, followed):
    api = api_as(mission_locale)
    data = api.get("/api/v1/referrals/", {"caseload": "mine", "flag": "appointment_passed"}).json()
    assert [r["id"] for r in data["results"]] == [followed.pk]
    assert api.get("/api/v1/referrals/", {"caseload": "mine", "flag": "stale"}).json()["count"] == 0
    assert api.get("/api/v1/referrals/", {"caseload": "everyone"}).status_code == 400
    other = api_as(france_travail).get("/api/v1/referrals/", {"caseload": "organisation"})
    assert other.json()["count"] == 0


def test_caseload_page_and_thread_take_constant_queries(
    client, mission_locale, ofii, orgs, django_assert_num_queries
):
    client.force_login(mission_locale)
    first = many_followed(
        10, sender=ofii, to_organisation=orgs["mission_locale"], counsellor=mission_locale
    )
    detail = reverse("referrals:detail", args=[first[0].pk])
    # 1 session, 2 user, 3 membership, 4 caseload setting, 5 paginator count, 6 page (with
    # person, counsellor, last follow-up, unread messages and flags), 7 audit rows, 8 setting
    # again for the counts, 9 counts of tabs and flags, 10 the stale-days rule shown.
    with django_assert_num_queries(10):
        client.get(reverse("referrals:caseload"), {"q": "nom"})
    # The referral's page with its thread: 1-3 session, user, membership, 4 referral, 5 its
    # audit row, 6 messages marked read, 7 counsellors, 8 the person's latest interview (French
    # levels and the prescribed session), 9 events, 10 follow-ups, 11 messages, 12 their
    # documents (one prefetch), 13 the employers' job and immersion offers a follow-up may
    # propose, 14 the employers a job outcome may name.
    with django_assert_num_queries(14):
        client.get(detail)
    many_followed(
        990,
        sender=ofii,
        to_organisation=orgs["mission_locale"],
        counsellor=mission_locale,
        start=10,
    )
    with django_assert_num_queries(10):
        client.get(reverse("referrals:caseload"), {"q": "nom"})
    with django_assert_num_queries(14):
        client.get(detail)
