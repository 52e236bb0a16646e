"""Small defects found while moving the governance code, each pinned by a test."""

import datetime as dt

import pytest
from icalendar import Calendar

from governance import forms
from governance.invitations import ics
from governance.models import FollowUpItem, Meeting

from .factories import AgreementFactory, MeetingFactory


@pytest.fixture
def item(paris, orgs):
    meeting = MeetingFactory(agreement=AgreementFactory(department=paris))
    return FollowUpItem.objects.create(
        meeting=meeting, description="F", owner=orgs["ofii"], due_on=dt.date(2025, 1, 1)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_next_after_a_post_stays_on_the_site(client, prefecture, item, target):
    client.force_login(prefecture)
    response = client.post(
        f"/gouvernance/suivi/{item.pk}/etat/", {"status": "done", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/gouvernance/"


@pytest.mark.django_db
def test_next_on_the_site_is_followed(client, prefecture, item):
    client.force_login(prefecture)
    target = f"/gouvernance/reunions/{item.meeting_id}/"
    response = client.post(
        f"/gouvernance/suivi/{item.pk}/etat/", {"status": "done", "next": target}
    )
    assert response["Location"] == target


@pytest.mark.django_db
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_place_with_a_line_break_adds_no_line_to_the_invitation(paris, newline):
    meeting = MeetingFactory(
        agreement=AgreementFactory(department=paris),
        place=f"Salle 2{newline}ATTENDEE:mailto:intrus@example.com{newline}END:VEVENT",
        agenda=f"Point 1{newline}METHOD:CANCEL",
    )
    text = ics(meeting, "https://passerelle.example/gouvernance/reunions/1/")
    lines = text.replace("\r\n ", "").split("\r\n")
    assert not any(line.startswith(("ATTENDEE", "METHOD:CANCEL")) for line in lines)
    assert lines.count("END:VEVENT") == 1 and "\r" not in text.replace("\r\n", "")
    event = Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == "Salle 2\nATTENDEE:mailto:intrus@example.com\nEND:VEVENT"
    assert event["UID"] == f"meeting-{meeting.pk}@passerelle"
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTART") == meeting.date.replace(microsecond=0)


@pytest.mark.django_db
def test_a_cancelled_meeting_is_cancelled_in_the_invitation(paris):
    meeting = MeetingFactory(
        agreement=AgreementFactory(department=paris), status=Meeting.Status.CANCELLED
    )
    assert Calendar.from_ical(ics(meeting)).walk("VEVENT")[0]["STATUS"] == "CANCELLED"


def test_governance_forms_use_the_shared_date_widgets():
    from core.widgets import DateInput, DateTimeInput
    from governance.life.forms import TerminationForm

    assert isinstance(forms.AgreementForm().fields["starts_on"].widget, DateInput)
    assert isinstance(TerminationForm.base_fields["notice_on"].widget, DateInput)
    meeting_form = forms.MeetingForm.base_fields["date"].widget
    assert isinstance(meeting_form, DateTimeInput)
