import pytest

from ..conftest import PASSWORD
from .conftest import login, logout, page_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_roles_log_in_and_land_on_their_home(browser_page, ofii, mission_locale):
    page = browser_page
    login(page, ofii.email, PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Mes dossiers et orientations"
    assert "Auditeur OFII" in page.get_by_test_id("who").inner_text()
    logout(page)
    assert "/connexion/" in page.url

    login(page, mission_locale.email, PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Orientations reçues"
    assert "Mission Locale Paris" in page.get_by_test_id("who").inner_text()


def test_wrong_password_shows_a_french_message(browser_page, ofii):
    page = browser_page
    login(page, ofii.email, "pas-le-bon")
    assert "Adresse électronique ou mot de passe incorrect" in page_text(page)
    assert "/connexion/" in page.url
