"""A coordinator requests the bilan, follows it to the end and validates it, in a real browser."""

import pytest

from governance.models import AnnualReport

from ..browser.conftest import browser_page, login  # noqa: F401 (the fixture)
from ..conftest import PASSWORD
from .factories import paris_agreement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_requests_and_validates_the_bilan(
    browser_page,  # noqa: F811
    orgs,
    prefecture,
    tmp_path,
):
    page = browser_page
    # The PDF is rendered within the request (eager Celery): give it time on a busy machine.
    page.set_default_timeout(90000)
    paris_agreement(orgs)
    login(page, prefecture.email, PASSWORD)
    page.goto(page.base_url + "/gouvernance/bilans/")
    page.get_by_label("Année du bilan").fill("2025")
    page.get_by_role("button", name="Demander la génération").click()
    page.wait_for_load_state()
    # Eager Celery in this mode: the bilan is ready when the page comes back.
    page.get_by_role("link", name="Télécharger le PDF").wait_for()
    page.screenshot(path=str(tmp_path / "bilan-detail.png"), full_page=True)
    page.get_by_label("Réunion du COPIL qui a validé le bilan").select_option(index=1)
    page.get_by_role("button", name="Marquer comme validé").click()
    page.wait_for_load_state()
    assert page.get_by_text("Le bilan est validé par le COPIL.").is_visible()
    assert AnnualReport.objects.get().status == AnnualReport.Status.VALIDATED
    page.screenshot(path=str(tmp_path / "bilan-validated.png"), full_page=True)
