"""Zero 5xx from bad input (issue 12): each bad value gets a field error, nothing is half-written.

Pages answer with the form and its French message; the API answers 400 (409 for a duplicate
created at the same time); CSV imports report the line."""

import datetime
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from beneficiaries import importer
from beneficiaries.models import Beneficiary, ImportJob
from core.validators import DATE_MAX, INTEGER_MAX
from governance.models import Meeting
from partners import trainings
from partners.models import TrainingOffer

from ..beneficiaries.factories import valid_values
from ..bilan.factories import paris_agreement
from ..factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "Saisissez une date entre le 01/01/1900 et le 31/12/2100."


def text(response):
    return html.unescape(response.content.decode())


# --- Pages -------------------------------------------------------------------------------------


def test_a_meeting_dated_year_one_is_refused(client, prefecture, orgs):
    agreement = paris_agreement(orgs)
    before = Meeting.objects.count()
    client.force_login(prefecture)
    response = client.post(
        reverse("governance:meeting_create", args=[agreement.pk]),
        {
            "committee": agreement.committees.first().pk,
            "date": "0001-01-01T00:00",
            "place": "Préfecture",
            "agenda": "",
        },
    )
    assert response.status_code == 200  # the form again, with its message
    assert response.context["form"].errors["date"] == [OUT_OF_RANGE]
    assert Meeting.objects.count() == before


def test_the_meetings_list_survives_a_meeting_of_year_one(client, prefecture, orgs):
    agreement = paris_agreement(orgs)
    meeting = agreement.committees.first().meetings.first()
    # A row written before the bounds (or by SQL): the list still shows, the admin repairs it.
    Meeting.objects.filter(pk=meeting.pk).update(
        date=datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)
    )
    client.force_login(prefecture)
    assert client.get(reverse("governance:meeting_list")).status_code == 200
    assert client.get(reverse("governance:meeting_detail", args=[meeting.pk])).status_code == 200


def test_a_referral_filter_dated_9999_is_a_field_error(client, ofii):
    client.force_login(ofii)
    response = client.get(reverse("referrals:inbox"), {"sent_before": "9999-12-31"})
    assert response.status_code == 200
    assert response.context["form"].errors["sent_before"] == [OUT_OF_RANGE]


def test_a_nul_byte_in_a_filter_is_a_bad_request(client, ofii):
    client.force_login(ofii)
    response = client.get(reverse("referrals:inbox"), {"q": "Dia\x00llo"})
    assert response.status_code == 400


def test_the_same_ofii_number_submitted_twice_at_once_gets_a_message(
    client, ofii, orgs, monkeypatch
):
    from beneficiaries.forms import BeneficiaryForm

    existing = BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    # The second request passed the form's check before the first one committed.
    monkeypatch.setattr(BeneficiaryForm, "validate_unique", lambda self: None)
    monkeypatch.setattr(BeneficiaryForm, "clean", lambda self: self.cleaned_data)
    client.force_login(ofii)
    data = {
        key: value
        for key, value in valid_values(ofii_number=existing.ofii_number).items()
        if value is not None
    }
    response = client.post(reverse("beneficiaries:create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["ofii_number"] == [
        "Un dossier existe déjà avec ce numéro OFII."
    ]
    assert Beneficiary.objects.count() == 1


# --- API ---------------------------------------------------------------------------------------


def test_the_api_answers_409_to_a_duplicate_created_at_the_same_time(
    api_as, ofii, orgs, monkeypatch
):
    from beneficiaries import validation

    existing = BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    # The second request looked for duplicates before the first one committed.
    monkeypatch.setattr(validation, "find_duplicates", lambda **identity: [])
    body = {
        key: (value.isoformat() if hasattr(value, "isoformat") else value)
        for key, value in valid_values(ofii_number=existing.ofii_number).items()
        if value is not None
    }
    response = api_as(ofii).post("/api/v1/beneficiaries/", body, format="json")
    assert response.status_code == 409
    assert response.json() == {"ofii_number": ["Un dossier existe déjà avec ce numéro OFII."]}
    assert Beneficiary.objects.count() == 1


def test_the_api_refuses_an_appointment_dated_year_one(api_as, mission_locale, orgs):
    from referrals.models import Referral

    from ..factories import ReferralFactory

    referral = ReferralFactory(to_organisation=orgs["mission_locale"])
    response = api_as(mission_locale).post(
        f"/api/v1/referrals/{referral.pk}/accept/",
        {"appointment_at": "0001-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["appointment_at"] == [OUT_OF_RANGE]
    assert Referral.objects.get(pk=referral.pk).status == referral.status


def test_deeply_nested_json_is_a_bad_request(api_as, ofii):
    body = "[" * 5000 + "]" * 5000
    response = api_as(ofii).generic(
        "POST", "/api/v1/beneficiaries/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert Beneficiary.objects.count() == 0


# --- CSV ---------------------------------------------------------------------------------------


def training_upload(client, **overrides):
    values = {
        "key": "75-X-1",
        "department": "75",
        "provider": "GRETA",
        "title": "Français A2",
        "kind": "french",
        "target_level": "A2",
        "hours": "120",
        "certification": "none",
        "funder": "ofii",
        "commune": "Paris",
        "employment_area": "Paris",
        "starts_on": "2027-01-04",
        "ends_on": "2027-03-01",
        "places": "12",
    }
    values.update(overrides)
    content = ";".join(trainings.COLUMNS) + "\n" + ";".join(values[c] for c in trainings.COLUMNS)
    return client.post(
        reverse("training_import"),
        {"file": SimpleUploadedFile("f.csv", content.encode(), content_type="text/csv")},
        follow=True,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hours": str(10**30)}, f"n'est pas un nombre entier positif (au plus {INTEGER_MAX})"),
        ({"places": "-3"}, "n'est pas un nombre entier positif"),
        ({"starts_on": "0001-01-01"}, "n'est pas une date"),
        ({"ends_on": "9999-12-31"}, "n'est pas une date"),
        ({"title": "Fran\x00çais"}, "caractère nul interdit"),
    ],
)
def test_the_trainings_csv_reports_a_bad_value(client, prefecture, overrides, message):
    client.force_login(prefecture)
    response = training_upload(client, **overrides)
    assert response.status_code == 200
    assert message in text(response)
    assert TrainingOffer.objects.count() == 0


def import_lines(client, capture, *rows):
    header = ";".join(importer.REQUIRED_COLUMNS)
    content = "\n".join([header, *rows]) + "\n"
    with capture(execute=True):
        response = client.post(
            reverse("beneficiaries:import"),
            {"file": SimpleUploadedFile("b.csv", content.encode(), "text/csv")},
        )
    assert response.status_code == 302
    return ImportJob.objects.get()


GOOD = "75-2026-{n};Haidari;Zahra;F;1998-04-12;AF;refugee;2025-09-02"


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        (
            "75-2026-90009;" + "N" * 151 + ";Zahra;F;1998-04-12;AF;refugee;2025-09-02",
            "last_name : 150 caractères au plus",
        ),
        (
            "75-2026-90009;Haidari;Zahra;F;0001-01-01;AF;refugee;2025-09-02",
            "birth_date : date invalide",
        ),
        (
            "75-2026-90009;Haidari;Zahra;F;1998-04-12;AF;refugee;9999-12-31",
            "La date du premier titre ne peut pas être dans le futur.",
        ),
    ],
)
def test_the_beneficiaries_csv_reports_the_bad_line_by_number(
    client, ofii, bad_line, message, django_capture_on_commit_callbacks
):
    client.force_login(ofii)
    job = import_lines(client, django_capture_on_commit_callbacks, GOOD.format(n=90001), bad_line)
    assert job.status == ImportJob.Status.REJECTED
    assert len(job.errors) == 1
    assert job.errors[0]["line"] == 3
    assert message in job.errors[0]["message"]
    assert Beneficiary.objects.count() == 0
    assert job.content == ""


def test_a_nul_byte_in_the_beneficiaries_csv_is_refused_with_its_line(client, ofii):
    client.force_login(ofii)
    content = ";".join(importer.REQUIRED_COLUMNS) + "\n" + GOOD.format(n=90001) + "\nHai\x00dari\n"
    response = client.post(
        reverse("beneficiaries:import"),
        {"file": SimpleUploadedFile("b.csv", content.encode(), "text/csv")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Ligne 3 : caractère nul interdit. Rien n'a été importé."
    ]
    assert not ImportJob.objects.exists()


def test_bounds_are_those_of_the_shared_helper():
    assert DATE_MAX.year == 2100
    assert timezone.localdate() < DATE_MAX
