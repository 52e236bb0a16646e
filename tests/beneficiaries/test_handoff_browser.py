"""The OFII auditor's hand-off, in a browser (issue 16's "Done when")."""

import datetime
import shutil
import subprocess

import pytest
from django.utils import timezone

from beneficiaries.models import Beneficiary
from partners.models import TrainingOffer
from referrals.models import Referral

from ..browser.conftest import login, logout, page_text
from ..conftest import PASSWORD
from ..factories import BeneficiaryFactory
from .factories import training_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ofii_93_confirms_a_homonym_of_a_paris_person_and_sees_nothing_of_it(
    browser_page, ofii93, orgs
):
    paris = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        ofii_number="75-2024-00777",
        last_name="Diallo",
        first_name="Mamadou",
        birth_date=datetime.date(1990, 1, 1),  # a common recorded date for this public
    )
    today = timezone.localdate()
    page = browser_page
    login(page, ofii93.email, PASSWORD)
    page.goto(page.base_url + "/beneficiaires/nouveau/")
    page.locator("#id_ofii_number").fill("93-2026-00123")
    page.locator("#id_last_name").fill("DIALLO")
    page.locator("#id_first_name").fill("Mamadou")
    page.locator("#id_sex").select_option("M")
    page.locator("#id_birth_date").fill("1990-01-01")
    page.locator("#id_nationality").select_option("GN")
    page.locator("#id_permit_kind").select_option("refugee")
    page.locator("#id_first_permit_date").fill((today - datetime.timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()

    warning = page.get_by_test_id("duplicates")
    assert "Un dossier existe ailleurs" in warning.inner_text()
    assert page.get_by_test_id("error-summary").is_visible()
    for hidden in (paris.ofii_number, "OFII Paris", "Paris"):
        assert hidden not in page.locator("main").inner_text(), hidden
    # The confirmation is in the warning, next to it.
    # (the DSFR checkbox is ticked through its label, as a person does)
    warning.locator("label[for=id_confirm_not_duplicate]").click()
    assert warning.locator("#id_confirm_not_duplicate").is_checked()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "DIALLO Mamadou"
    created = Beneficiary.objects.get(ofii_number="93-2026-00123")
    assert created.ofii_organisation == orgs["ofii93"]
    content = page_text(page)
    assert paris.ofii_number not in content
    assert "OFII Paris" not in content


def test_ofii_paris_interview_session_liaison_sheet_orientation_and_rgpd(
    browser_page, ofii, france_travail, orgs, tmp_path
):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed (poppler-utils)")
    orgs["france_travail"].address = "5 avenue de l'Exemple, 75019 Paris"
    orgs["france_travail"].save()
    person = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        last_name="Haidari",
        first_name="Nasrin",
        birth_date=datetime.date(1988, 5, 3),
        french_level="none",
        information_notice_on=None,
    )
    session = training_session(
        orgs["ofii"].department, title="Parcours A2 Belleville", places=8, places_taken=2
    )
    page = browser_page
    login(page, ofii.email, PASSWORD)
    file_url = f"{page.base_url}/beneficiaires/{person.pk}/"
    page.goto(file_url)

    # The interview: written A1, oral A2, a session from the map, the information notice.
    page.get_by_role("link", name="Nouvel entretien").click()
    page.locator("#id_written_level").select_option("A1")
    page.locator("#id_oral_level").select_option("A2")
    page.locator("#id_prescribed_hours").select_option("200")
    page.locator("#id_training_offer").select_option(str(session.pk))
    page.locator("#id_spe_decision").select_option("oriented")
    page.locator("label[for=id_information_notice]").click()
    assert page.locator("#id_information_notice").is_checked()
    page.get_by_role("button", name="Enregistrer l'entretien").click()
    page.wait_for_load_state()
    assert "Entretien enregistré" in page_text(page)
    assert page.get_by_test_id("french-level").inner_text() == "A2 (oral) / A1 (écrit)"
    assert "Parcours A2 Belleville" in page.get_by_test_id("session").inner_text()
    session.refresh_from_db()
    assert session.places_taken == 3  # one place less

    # The list says it too.
    page.goto(page.base_url + "/beneficiaires/")
    assert "A2 (oral) / A1 (écrit)" in page.get_by_test_id("beneficiaries").inner_text()

    # The liaison sheet, printed in one click (Arabic as second language).
    page.goto(file_url)
    page.locator("#id_langue").select_option("ar")
    with page.expect_download() as download:
        page.get_by_role("button", name="Imprimer la fiche de liaison").click()
    pdf = tmp_path / "fiche.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "5 avenue de l'Exemple" in text
    assert "Parcours A2 Belleville" in text
    page.goto(file_url)
    assert "Fiche de liaison remise à la personne" in page.get_by_test_id("timeline").inner_text()

    # Orient.
    page.get_by_test_id("propose-referral").get_by_role("link", name="Orienter").click()
    page.get_by_label("Motif de l'orientation").fill("Recherche d'emploi")
    page.get_by_role("button", name="Envoyer l'orientation").click()
    assert "Orientation envoyée à France Travail Paris" in page_text(page)
    referral = Referral.objects.get(beneficiary=person)

    # The RGPD page: every field labelled in French.
    page.goto(file_url + "donnees/")
    rights = page.get_by_test_id("rights").inner_text()
    for english in ("permit_kind", "rqth", "languages", "french_level", "spe_decision", "True"):
        assert english not in rights, english
    assert "Titre de séjour" in rights

    # The partner's referral page.
    logout(page)
    login(page, france_travail.email, PASSWORD)
    page.goto(f"{page.base_url}/orientations/{referral.pk}/")
    assert page.get_by_test_id("french-level").inner_text() == "A2 (oral) / A1 (écrit)"
    assert "Parcours A2 Belleville" in page.get_by_test_id("session").inner_text()
    assert TrainingOffer.objects.get(pk=session.pk).places_left == 5
