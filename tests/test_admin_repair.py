"""The platform admin repairs a record people wrote wrong (issue 12): files' dates, referrals'
dates, meetings, stuck imports — read-mostly admin pages, audited, showing no name."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary, Correction, ImportJob
from governance.models import Meeting
from partners.models import AuditEntry

from .bilan.factories import paris_agreement
from .factories import BeneficiaryFactory, ReferralFactory

pytestmark = pytest.mark.django_db

YEAR_ONE = datetime.date(1, 1, 1)


def text(response):
    return html.unescape(response.content.decode())


def admin_rows(user, action):
    return AuditEntry.objects.filter(actor=user, action=action, channel="admin")


def change_form(values):
    """The POST of an admin change form: ``values`` plus the admin's "save" button."""
    return {**values, "_save": "Enregistrer"}


@pytest.fixture
def damaged_file(orgs):
    """A file imported before the bounds existed: born in year 1."""
    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"], last_name="Haidari")
    Beneficiary.objects.filter(pk=person.pk).update(birth_date=YEAR_ONE)
    return Beneficiary.objects.get(pk=person.pk)


def test_the_admin_finds_a_file_by_its_number_without_seeing_a_name(
    client, platform_admin, damaged_file
):
    client.force_login(platform_admin)
    url = reverse("admin:beneficiaries_fileunderrepair_changelist")
    listing = client.get(url, {"q": damaged_file.ofii_number})
    assert listing.status_code == 200
    assert damaged_file.ofii_number in text(listing)
    assert "Haidari" not in text(listing)
    entry = admin_rows(platform_admin, "list").get()
    assert entry.object_type == "beneficiary"

    page = client.get(reverse("admin:beneficiaries_fileunderrepair_change", args=[damaged_file.pk]))
    assert page.status_code == 200
    assert "Haidari" not in text(page) and damaged_file.first_name not in text(page)
    assert f"Dossier n° {damaged_file.pk}" in text(page)
    assert admin_rows(platform_admin, "view").get().object_id == str(damaged_file.pk)


def test_the_admin_repairs_a_birth_date_and_the_file_keeps_the_correction(
    client, platform_admin, damaged_file
):
    client.force_login(platform_admin)
    url = reverse("admin:beneficiaries_fileunderrepair_change", args=[damaged_file.pk])
    values = {
        "birth_date": "1994-03-12",
        "first_permit_date": damaged_file.first_permit_date.isoformat(),
        "cir_signed_on": damaged_file.cir_signed_on.isoformat(),
        "information_notice_on": damaged_file.information_notice_on.isoformat(),
    }
    response = client.post(url, change_form(values))
    assert response.status_code == 302
    assert Beneficiary.objects.get(pk=damaged_file.pk).birth_date == datetime.date(1994, 3, 12)
    correction = Correction.objects.get(beneficiary=damaged_file)
    assert correction.channel == "admin" and correction.author == platform_admin
    assert correction.changes == {"birth_date": {"old": "0001-01-01", "new": "1994-03-12"}}
    assert admin_rows(platform_admin, "update").get().detail == "fields: birth_date"


def test_a_date_out_of_bounds_is_refused_in_french_and_nothing_changes(
    client, platform_admin, damaged_file
):
    client.force_login(platform_admin)
    url = reverse("admin:beneficiaries_fileunderrepair_change", args=[damaged_file.pk])
    values = {
        "birth_date": "2999-01-01",
        "first_permit_date": damaged_file.first_permit_date.isoformat(),
        "cir_signed_on": damaged_file.cir_signed_on.isoformat(),
    }
    response = client.post(url, change_form(values))
    assert response.status_code == 200
    assert "Saisissez une date entre le 01/01/1900 et le 31/12/2100." in text(response)
    assert Beneficiary.objects.get(pk=damaged_file.pk).birth_date == YEAR_ONE
    assert not Correction.objects.exists()


def test_the_repair_pages_are_closed_to_partners_and_show_no_anonymised_file(
    client, ofii, platform_admin, damaged_file
):
    client.force_login(ofii)
    url = reverse("admin:beneficiaries_fileunderrepair_change", args=[damaged_file.pk])
    assert client.get(url).status_code == 302  # to the admin's sign-in
    Beneficiary.objects.filter(pk=damaged_file.pk).update(anonymised_at=timezone.now())
    client.force_login(platform_admin)
    assert client.get(url).status_code == 302  # "not found": back to the admin's home
    assert not Beneficiary.objects.repairable_by(ofii).exists()


def test_a_referral_date_before_its_sending_is_refused_then_repaired(
    client, platform_admin, orgs, ofii
):
    referral = ReferralFactory(
        beneficiary=BeneficiaryFactory(ofii_organisation=orgs["ofii"]),
        to_organisation=orgs["mission_locale"],
        sender=ofii,
    )
    client.force_login(platform_admin)
    url = reverse("admin:referrals_referral_change", args=[referral.pk])
    refused = client.post(
        url, change_form({"appointment_at_0": "01/01/2001", "appointment_at_1": "10:00:00"})
    )
    assert refused.status_code == 200
    assert "Cette date est antérieure à l'envoi de l'orientation" in text(refused)
    referral.refresh_from_db()
    assert referral.appointment_at is None

    later = timezone.localtime() + datetime.timedelta(days=3)
    response = client.post(
        url,
        change_form(
            {
                "appointment_at_0": later.strftime("%d/%m/%Y"),
                "appointment_at_1": "10:00:00",
            }
        ),
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert timezone.localtime(referral.appointment_at).date() == later.date()
    assert admin_rows(platform_admin, "update").get().object_id == str(referral.pk)


def test_a_meeting_of_year_one_is_listed_and_its_date_repaired(client, platform_admin, orgs):
    meeting = paris_agreement(orgs).committees.first().meetings.first()
    Meeting.objects.filter(pk=meeting.pk).update(
        date=datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)
    )
    client.force_login(platform_admin)
    assert client.get(reverse("admin:governance_meeting_changelist")).status_code == 200
    url = reverse("admin:governance_meeting_change", args=[meeting.pk])
    response = client.post(
        url,
        change_form({"date_0": "16/03/2026", "date_1": "10:00:00", "place": "Préfecture de Paris"}),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.date) == timezone.make_aware(
        datetime.datetime(2026, 3, 16, 10, 0)
    )


def test_the_admin_stops_a_stuck_import_and_its_text_is_erased(client, platform_admin, orgs, ofii):
    job = ImportJob.objects.create(
        organisation=orgs["ofii"],
        created_by=ofii,
        file_name="import.csv",
        content="ofii_number;last_name\n75-2026-00001;Haidari\n",
        status=ImportJob.Status.CHECKING,
    )
    done = ImportJob.objects.create(
        organisation=orgs["ofii"], created_by=ofii, status=ImportJob.Status.DONE
    )
    client.force_login(platform_admin)
    url = reverse("admin:beneficiaries_importjob_changelist")
    page = client.get(reverse("admin:beneficiaries_importjob_change", args=[job.pk]))
    assert "Haidari" not in text(page)
    response = client.post(
        url, {"action": "stop", "_selected_action": [job.pk, done.pk]}, follow=True
    )
    assert "1 import arrêté." in text(response)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.content == ""
    assert "arrêté par l'administrateur" in job.errors[0]["message"]
    assert ImportJob.objects.get(pk=done.pk).status == ImportJob.Status.DONE
