import datetime

import pytest
from django.utils import timezone

from beneficiaries.models import Beneficiary, Interview

from ..browser.conftest import login, page_text
from ..conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_file(page, ofii_number):
    today = timezone.localdate()
    page.locator("#id_ofii_number").fill(ofii_number)
    page.locator("#id_last_name").fill("Ouédraogo")
    page.locator("#id_first_name").fill("Aminata")
    page.locator("#id_sex").select_option("F")
    page.locator("#id_birth_date").fill("2004-06-09")
    page.locator("#id_nationality").select_option("BF")
    page.locator("#id_permit_kind").select_option("family")
    page.locator("#id_first_permit_date").fill((today - datetime.timedelta(days=120)).isoformat())
    page.locator("#id_cir_signed_on").fill((today - datetime.timedelta(days=60)).isoformat())
    page.locator("#id_french_level").select_option("A1")


def test_ofii_creates_a_file_gets_the_duplicate_warning_and_orients_the_person(browser_page, ofii):
    page = browser_page
    login(page, ofii.email, PASSWORD)
    page.get_by_role("link", name="Nouveau dossier").first.click()
    fill_file(page, "75-2026-00501")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "OUÉDRAOGO Aminata"
    file = Beneficiary.objects.get()

    # A second try for the same person (other case, no accent): the existing file is shown.
    page.goto(page.base_url + "/beneficiaires/nouveau/")
    fill_file(page, "75-2026-00502")
    page.locator("#id_last_name").fill("OUEDRAOGO")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    warning = page.get_by_test_id("duplicates")
    assert "Ce dossier existe peut-être déjà" in warning.inner_text()
    assert "75-2026-00501" in warning.inner_text()
    assert Beneficiary.objects.count() == 1
    warning.get_by_role("link").first.click()
    page.wait_for_load_state()

    # The personalised interview orients the person towards the SPE.
    page.get_by_role("link", name="Nouvel entretien").click()
    page.locator("#id_kind").select_option("personalised")
    page.locator("#id_written_level").select_option("A1")
    page.locator("#id_oral_level").select_option("A2")
    page.locator("#id_prescribed_hours").select_option("400")
    page.locator("#id_professional_situation").fill("Aide-soignante dans son pays")
    page.locator("#id_spe_decision").select_option("oriented")
    page.get_by_role("button", name="Enregistrer l'entretien").click()
    page.wait_for_load_state()
    assert "Entretien enregistré" in page_text(page)
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "Entretien personnalisé" in timeline
    assert "Orienté vers le SPE" in timeline
    assert Interview.objects.get(beneficiary=file).spe_decision == "oriented"
