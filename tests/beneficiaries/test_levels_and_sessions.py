"""One truth about the person's French (the latest test), and prescriptions tied to the
trainings map (places counted down, fill rate by funder)."""

import csv
import io

import pytest
from django.urls import reverse

from beneficiaries import trainings
from beneficiaries.models import Beneficiary, Correction, Interview
from partners.models import TrainingOffer

from ..factories import BeneficiaryFactory, ReferralFactory
from .factories import interview_values, training_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(orgs):
    return BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        last_name="Rahimi",
        french_level="none",
        information_notice_on=None,
    )


def interview(client, person, **overrides):
    return client.post(
        reverse("beneficiaries:interview_create", args=[person.pk]), interview_values(**overrides)
    )


def test_the_file_follows_the_latest_test_with_history(client, ofii, person):
    client.force_login(ofii)
    assert interview(client, person).status_code == 302
    person.refresh_from_db()
    assert (person.written_level, person.oral_level) == ("A1", "A2")
    assert person.french_level == "A1"  # the lower of the two, for the offers' minimum level
    assert person.french_levels_display == "A2 (oral) / A1 (écrit)"
    history = Correction.objects.get(beneficiary=person, channel="interview")
    assert history.changes["french_level"] == {"old": "none", "new": "A1"}
    assert person.information_notice_on is not None
    assert person.information_notice_by == ofii

    page = client.get(reverse("beneficiaries:detail", args=[person.pk])).content.decode()
    assert "A2 (oral) / A1 (écrit)" in page
    listing = client.get(reverse("beneficiaries:list")).content.decode()
    assert "A2 (oral) / A1 (écrit)" in listing


def test_the_partner_referral_page_shows_the_tested_levels(client, ofii, mission_locale, orgs):
    person = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"], written_level="A1", oral_level="A2", french_level="A1"
    )
    referral = ReferralFactory(
        beneficiary=person, to_organisation=orgs["mission_locale"], sender=ofii
    )
    client.force_login(mission_locale)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    level = page.split('data-testid="french-level">')[1].split("<")[0]
    assert level == "A2 (oral) / A1 (écrit)"


def test_the_list_shows_labels_not_codes(client, ofii, orgs):
    BeneficiaryFactory(ofii_organisation=orgs["ofii"], french_level="none")
    client.force_login(ofii)
    table = client.get(reverse("beneficiaries:list")).content.decode()
    table = table.split('data-testid="beneficiaries"')[1]
    assert "Aucun (non lecteur, non scripteur)" in table
    assert "<td>none</td>" not in table


def test_the_export_is_in_french_with_labels(client, ofii, orgs):
    BeneficiaryFactory(
        ofii_organisation=orgs["ofii"], permit_kind="refugee", written_level="A1", oral_level="B1"
    )
    client.force_login(ofii)
    text = client.get(reverse("beneficiaries:export", args=["csv"])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert "N° de dossier OFII" in header
    assert not {"ofii_number", "permit_kind", "french_level", "rqth"} & set(header)
    assert row["Titre de séjour"] == "Réfugié"
    assert row["Niveau de français"] == "B1 (oral) / A1 (écrit)"
    assert row["RQTH"] == "non"


def test_prescribing_a_session_takes_one_place_and_the_counsellor_sees_it(
    client, ofii, mission_locale, orgs, person
):
    session = training_session(orgs["ofii"].department, places=3)
    client.force_login(ofii)
    form = client.get(reverse("beneficiaries:interview_create", args=[person.pk])).content.decode()
    assert f'value="{session.pk}"' in form
    assert interview(client, person, training_offer=str(session.pk)).status_code == 302
    session.refresh_from_db()
    assert (session.places_taken, session.places_left) == (1, 2)
    assert Interview.objects.get(beneficiary=person).training_offer == session

    referral = ReferralFactory(
        beneficiary=person, to_organisation=orgs["mission_locale"], sender=ofii
    )
    client.force_login(mission_locale)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert session.title in page.split('data-testid="session">')[1].split("</dd>")[0]


def test_a_full_session_is_refused_and_nothing_is_recorded(client, ofii, orgs, person):
    session = training_session(orgs["ofii"].department, places=1, places_taken=1)
    client.force_login(ofii)
    response = interview(client, person, training_offer=str(session.pk))
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in response.content.decode()
    assert not Interview.objects.filter(beneficiary=person).exists()
    session.refresh_from_db()
    assert session.places_taken == 1


def test_a_session_below_the_tested_level_is_refused(client, ofii, orgs, person):
    session = training_session(orgs["ofii"].department, target_level="A1")
    client.force_login(ofii)
    response = interview(client, person, training_offer=str(session.pk))
    assert "un niveau que la personne a déjà atteint" in response.content.decode()
    assert not Interview.objects.filter(beneficiary=person).exists()


def test_the_100_hour_courses_are_their_own_prescription(client, ofii, person):
    client.force_login(ofii)
    assert (
        interview(client, person, french_course="B1_100", prescribed_hours="0").status_code == 302
    )
    recorded = Interview.objects.get(beneficiary=person)
    assert (recorded.prescribed_hours, recorded.target_level) == (100, "B1")


def test_fitting_sessions_put_the_person_s_commune_first(ofii, orgs, person):
    department = orgs["ofii"].department
    far = training_session(department, commune="Créteil", employment_area="Val-de-Marne")
    near = training_session(department, commune="Paris")
    training_session(department, ends_on=person.first_permit_date)  # over
    fitting = trainings.fitting_sessions(ofii, person)
    assert fitting == [near, far]


def test_fill_rate_by_funder(client, ofii, orgs):
    department = orgs["ofii"].department
    training_session(department, places=10, places_taken=4, funder=TrainingOffer.Funder.OFII)
    training_session(department, places=10, places_taken=6, funder=TrainingOffer.Funder.OFII)
    training_session(department, places=4, places_taken=1, funder=TrainingOffer.Funder.BOP104)
    rates = {row["funder"]: row for row in trainings.fill_rates(ofii)}
    assert (rates["ofii"]["places"], rates["ofii"]["taken"], rates["ofii"]["rate"]) == (20, 10, 50)
    assert rates["bop104"]["rate"] == 25
    assert rates["oepre"]["rate"] is None
    client.force_login(ofii)
    page = client.get(reverse("beneficiaries:trainings")).content.decode()
    assert 'data-funder="oepre"' in page
    assert "50 %" in page


def test_a_spe_decision_is_required_for_the_personalised_interview(client, ofii, person):
    client.force_login(ofii)
    form = client.get(reverse("beneficiaries:interview_create", args=[person.pk])).content.decode()
    label = form.split('for="id_spe_decision"')[1].split("</label>")[0]
    assert "Optionnel" not in label
    response = interview(client, person, spe_decision="")
    page = response.content.decode()
    summary = page.split('data-testid="error-summary"')[1].split("</div>")[0]
    assert "Indiquez la décision SPE" in summary
    assert 'href="#id_spe_decision"' in summary
    assert not Beneficiary.objects.get(pk=person.pk).interviews.exists()
