"""A coordinator requests the bilan, watches it progress to "Prêt" (embedded mode: generated
outside the request) and validates it, in a real browser."""

import pytest
from django.utils import timezone

from governance.models import AnnualReport

from ..browser.conftest import browser_page, login  # noqa: F401 (the fixture)
from ..conftest import PASSWORD
from .factories import paris_agreement, validating_copil

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_requests_and_validates_the_bilan(
    browser_page,  # noqa: F811
    orgs,
    prefecture,
    settings,
    tmp_path,
):
    settings.BILAN_EMBEDDED_THREAD = True
    page = browser_page
    page.set_default_timeout(90000)
    agreement = paris_agreement(orgs)
    validating_copil(agreement, when=timezone.now())
    login(page, prefecture.email, PASSWORD)
    page.goto(page.base_url + "/gouvernance/bilans/")
    page.get_by_label("Année du bilan").fill("2025")
    page.get_by_role("button", name="Demander la génération").click()
    page.wait_for_load_state()
    # The request answered at once: the progress is on the page, then the page reloads itself.
    assert page.locator("#bilan-progress progress").is_visible()
    page.get_by_role("link", name="Télécharger le PDF").wait_for()
    assert "Prêt" in page.locator("#bilan-progress").inner_text()
    page.screenshot(path=str(tmp_path / "bilan-detail.png"), full_page=True)
    page.get_by_label("Réunion du COPIL qui a validé le bilan").select_option(index=1)
    page.get_by_role("button", name="Marquer comme validé").click()
    page.wait_for_load_state()
    assert page.get_by_text("Ce que la validation rend public").is_visible()
    page.get_by_role("button", name="Confirmer la validation").click()
    page.wait_for_load_state()
    assert page.get_by_text("Le bilan est validé par le COPIL.").is_visible()
    assert AnnualReport.objects.get().status == AnnualReport.Status.VALIDATED
    page.screenshot(path=str(tmp_path / "bilan-validated.png"), full_page=True)
