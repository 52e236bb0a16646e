"""The meeting pack ("dossier de séance") on the meeting's page and in the invitations."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from governance.models import Meeting, MeetingPack
from governance.packs import actions as packs

from .factories import AgreementFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_the_request(settings, tmp_path):
    settings.BILAN_EMBEDDED_THREAD = False
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def agreement(paris):
    return AgreementFactory(department=paris)


def _held(agreement, days_ago, kind="copil"):
    return MeetingFactory(
        agreement=agreement,
        kind=kind,
        date=timezone.now() - dt.timedelta(days=days_ago),
        status=Meeting.Status.HELD,
    )


def test_the_figures_run_from_the_previous_meeting_of_the_same_committee(agreement):
    earlier = _held(agreement, 120)
    _held(agreement, 60, kind="technical")  # another committee: not the previous meeting
    meeting = MeetingFactory(agreement=agreement, date=timezone.now() + dt.timedelta(days=5))
    period = packs.pack_period(meeting)
    assert (period.start, period.end) == (
        timezone.localdate(earlier.date),
        timezone.localdate(),
    )


def test_the_coordinator_prepares_the_pack_and_it_goes_with_the_invitation(
    client, prefecture, agreement, orgs, django_capture_on_commit_callbacks
):
    _held(agreement, 90)
    meeting = MeetingFactory(agreement=agreement, date=timezone.now() + dt.timedelta(days=10))
    meeting.invited.set([orgs["france_travail"]])
    client.force_login(prefecture)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/gouvernance/reunions/{meeting.pk}/dossier/")
    assert response.status_code == 302
    pack = MeetingPack.objects.get(meeting=meeting)
    assert pack.status == MeetingPack.Status.READY, pack.error
    page = client.get(f"/gouvernance/reunions/{meeting.pk}/").content.decode()
    assert f"/gouvernance/dossiers/{pack.pk}/dossier-de-seance.pdf" in page
    download = client.get(f"/gouvernance/dossiers/{pack.pk}/dossier-de-seance.xlsx")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"PK")  # a zip: the XLSX
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/gouvernance/reunions/{meeting.pk}/invitations/")
    assert len(mail.outbox) == 1
    names = [name for name, _content, _type in mail.outbox[0].attachments]
    assert names == ["invitation.ics", "dossier-de-seance.pdf", "dossier-de-seance.xlsx"]
    assert mail.outbox[0].attachments[1][1].startswith(b"%PDF")


def test_another_department_gets_404_for_the_pack(client, ofii93, prefecture, agreement):
    meeting = _held(agreement, 3)
    pack = MeetingPack.objects.create(
        meeting=meeting,
        version=1,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 1, 2),
        status=MeetingPack.Status.READY,
        pdf="dossiers/x.pdf",
    )
    client.force_login(ofii93)
    assert client.get(f"/gouvernance/dossiers/{pack.pk}/dossier-de-seance.pdf").status_code == 404
    client.force_login(prefecture)
    assert client.get(f"/gouvernance/dossiers/{pack.pk}/dossier-de-seance.doc").status_code == 404


def test_a_cancelled_meeting_has_no_pack(client, prefecture, agreement):
    meeting = MeetingFactory(agreement=agreement, status=Meeting.Status.CANCELLED)
    client.force_login(prefecture)
    response = client.post(f"/gouvernance/reunions/{meeting.pk}/dossier/", follow=True)
    assert "Cette réunion est annulée : elle n&#x27;a pas de dossier de séance." in (
        response.content.decode()
    )
    assert not MeetingPack.objects.exists()


def test_the_coordinators_key_figures_are_computed_once_per_department_for_a_few_minutes(
    client, prefecture, agreement, orgs
):
    """Two computations of the statistics per view (1.2 s at department scale): a colleague's
    view within the cache's lifetime shows the figures already computed."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import BeneficiaryFactory, member_of

    def view(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/")
        row = next(
            r
            for r in page.context["governance_panel"]["key_figures"]
            if r["key"] == "cir_signatories"
        )
        return row["value"], len(captured.captured_queries)

    BeneficiaryFactory.create_batch(
        6, ofii_organisation=orgs["ofii"], cir_signed_on=timezone.localdate()
    )
    first, computed = view(prefecture)
    BeneficiaryFactory(ofii_organisation=orgs["ofii"], cir_signed_on=timezone.localdate())
    again, cached = view(member_of(orgs["prefecture"]))
    assert (first, again) == (6, 6)
    assert cached < computed
    cache.clear()
    assert view(prefecture)[0] == 7


def test_the_coordinators_home_shows_the_key_figures_of_the_year_and_their_evolution(
    client, prefecture, agreement
):
    from web.panels import key_figures

    client.force_login(prefecture)
    page = client.get("/").content.decode()
    assert 'data-testid="key-figures"' in page
    rows = key_figures(agreement.department)
    assert [row["key"] for row in rows] == [
        "cir_signatories",
        "referrals_sent",
        "referrals_accepted",
        "median_days_to_answer",
    ]
    for row in rows:
        assert row["label"] in page.replace("&#x27;", "'")
