"""One scope per model: ``visible_to(user)`` keeps the rows of the person's department."""

import datetime as dt

import pytest

from governance.models import (
    Action,
    Amendment,
    AnnualReport,
    Attendance,
    Axis,
    Committee,
    Decision,
    FollowUpItem,
    Indicator,
    IndicatorYear,
    Meeting,
    Signatory,
)
from tests.factories import OrganisationFactory

from .factories import AgreementFactory, AxisFactory, MeetingFactory


def _governance(department):
    agreement = AgreementFactory(department=department)
    organisation = OrganisationFactory(department=department)
    axis = AxisFactory(agreement=agreement)
    action = Action.objects.create(
        agreement=agreement,
        axis=axis,
        title="A",
        lead_organisation=organisation,
        starts_on=dt.date(2025, 1, 1),
    )
    indicator = Indicator.objects.create(action=action, name="I", source="manual")
    IndicatorYear.objects.create(indicator=indicator, year=2025, target=1)
    Signatory.objects.create(
        agreement=agreement, organisation=organisation, representative="R", representative_title="T"
    )
    Amendment.objects.create(
        agreement=agreement, number=1, signed_on=dt.date(2025, 1, 1), summary="S"
    )
    meeting = MeetingFactory(agreement=agreement)
    Attendance.objects.create(meeting=meeting, organisation=organisation, presence="present")
    decision = Decision.objects.create(meeting=meeting, text="D")
    FollowUpItem.objects.create(
        meeting=meeting,
        decision=decision,
        description="F",
        owner=organisation,
        due_on=dt.date(2025, 1, 1),
    )
    for status, version in (("ready", 1), ("validated", 2)):
        AnnualReport.objects.create(
            agreement=agreement,
            year=2025,
            version=version,
            status=status,
            sha256="0" * 64,
            generated_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            validated_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC) if status == "validated" else None,
            validated_by_meeting=meeting if status == "validated" else None,
        )
    return agreement


MODELS = (
    (Axis, "agreement"),
    (Signatory, "agreement"),
    (Amendment, "agreement"),
    (Action, "agreement"),
    (Committee, "agreement"),
    (Indicator, "action__agreement"),
    (IndicatorYear, "indicator__action__agreement"),
    (Meeting, "committee__agreement"),
    (Attendance, "meeting__committee__agreement"),
    (Decision, "meeting__committee__agreement"),
    (FollowUpItem, "meeting__committee__agreement"),
)


@pytest.mark.django_db
def test_every_governance_model_is_scoped_to_the_department(paris, seine_saint_denis, prefecture):
    mine = _governance(paris)
    _governance(seine_saint_denis)
    for model, path in MODELS:
        visible = model.objects.visible_to(prefecture)
        assert visible.exists(), model
        assert set(visible.values_list(f"{path}_id", flat=True)) == {mine.pk}, model
    reports = AnnualReport.objects.visible_to(prefecture)
    assert sorted(reports.values_list("version", flat=True)) == [1, 2]
    assert set(reports.values_list("agreement_id", flat=True)) == {mine.pk}


@pytest.mark.django_db
def test_partners_see_validated_bilans_only(paris, partner):
    _governance(paris)
    assert list(AnnualReport.objects.visible_to(partner).values_list("version", flat=True)) == [2]


@pytest.mark.django_db
def test_a_meeting_of_another_department_is_not_found(client, seine_saint_denis, prefecture):
    other = _governance(seine_saint_denis)
    client.force_login(prefecture)
    meeting = Meeting.objects.get(committee__agreement=other)
    item = FollowUpItem.objects.get(meeting=meeting)
    action = Action.objects.get(agreement=other)
    assert client.get(f"/gouvernance/reunions/{meeting.pk}/").status_code == 404
    assert client.get(f"/gouvernance/actions/{action.pk}/modifier/").status_code == 404
    assert client.post(f"/gouvernance/suivi/{item.pk}/etat/", {"status": "done"}).status_code == 404
