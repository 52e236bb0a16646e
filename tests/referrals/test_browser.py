"""The whole path in a browser: OFII orients a 23-year-old to the Mission Locale (proposed first),
the Mission Locale accepts with an appointment, records the first appointment and closes with a
training outcome; OFII sees each step on the person's timeline."""

import datetime
import re

import pytest
from django.utils import timezone

from referrals.models import Referral, Status
from tests.browser.conftest import browser_page, login, page_text  # noqa: F401 (fixture)
from tests.conftest import PASSWORD
from tests.factories import BeneficiaryFactory, InterviewFactory

from .conftest import years_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_action(page, action):
    """Unfolds the accordion of an action unless it is already open (the first one is)."""
    if not page.locator(f"#action-{action}").is_visible():
        page.locator(f"[aria-controls='action-{action}']").click()
        page.locator(f"#action-{action}").wait_for(state="visible")


def test_orientation_path_to_the_mission_locale(browser_page, ofii, mission_locale, orgs):  # noqa: F811
    person = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        birth_date=years_ago(23, 30),
        last_name="Keita",
        first_name="Mariam",
    )
    InterviewFactory(beneficiary=person, auditor=ofii, organisation=orgs["ofii"])
    auditor = browser_page
    counsellor = auditor.context.browser.new_context(locale="fr-FR").new_page()
    counsellor.set_default_timeout(15000)
    counsellor.base_url = auditor.base_url
    file_url = f"{auditor.base_url}/beneficiaires/{person.pk}/"

    def timeline():
        auditor.goto(file_url)
        return auditor.get_by_test_id("timeline").inner_text()

    # OFII: the file proposes to orient; the Mission Locale comes first.
    login(auditor, ofii.email, PASSWORD)
    auditor.goto(file_url)
    auditor.get_by_test_id("propose-referral").get_by_role("link", name="Orienter").click()
    assert "Partenaire recommandé : Mission Locale Paris" in page_text(auditor)
    partner = auditor.get_by_label("Partenaire", exact=True)
    assert partner.evaluate("s => s.options[s.selectedIndex].text").startswith(
        "Mission Locale Paris"
    )
    auditor.get_by_label("Motif de l'orientation").fill("Recherche d'un premier emploi")
    auditor.get_by_label("Note pour le partenaire").fill("Disponible le matin.")
    auditor.get_by_role("button", name="Envoyer l'orientation").click()
    assert "Orientation envoyée à Mission Locale Paris" in page_text(auditor)
    referral = Referral.objects.get(beneficiary=person)
    assert referral.to_organisation == orgs["mission_locale"]
    assert "Orientation envoyée à Mission Locale Paris" in timeline()

    # Mission Locale: the inbox lists it; accept with an appointment.
    login(counsellor, mission_locale.email, PASSWORD)
    counsellor.goto(counsellor.base_url + "/orientations/")
    counsellor.get_by_test_id("inbox").get_by_role("link", name=re.compile("KEITA Mariam")).click()
    assert "Disponible le matin." in counsellor.get_by_test_id("note").inner_text()
    appointment = timezone.localtime() + datetime.timedelta(days=3)
    open_action(counsellor, "accept")
    counsellor.get_by_label("Date du premier rendez-vous").fill(
        appointment.strftime("%Y-%m-%dT10:00")
    )
    counsellor.locator("[data-action=accept]").click()
    assert "Orientation acceptée." in page_text(counsellor)
    assert appointment.strftime("%d/%m/%Y") in counsellor.get_by_test_id("appointment").inner_text()
    assert "Orientation acceptée par Mission Locale Paris" in timeline()
    assert appointment.strftime("%d/%m/%Y") in timeline()

    # The first appointment is held.
    open_action(counsellor, "start")
    counsellor.locator("[data-action=start]").click()
    assert "Premier rendez-vous enregistré." in page_text(counsellor)
    assert "Premier rendez-vous tenu chez Mission Locale Paris" in timeline()

    # Closed with a training outcome.
    open_action(counsellor, "close")
    counsellor.get_by_label("Issue", exact=True).select_option("training_vocational")
    counsellor.get_by_label("Date de l'issue").fill(timezone.localdate().isoformat())
    counsellor.locator("[data-action=close]").click()
    assert "Orientation clôturée." in page_text(counsellor)
    assert "Formation qualifiante" in counsellor.get_by_test_id("outcome").inner_text()
    text = timeline()
    assert "Accompagnement clôturé par Mission Locale Paris" in text
    assert "Issue : Formation qualifiante" in text
    assert Referral.objects.get(pk=referral.pk).status == Status.CLOSED
    counsellor.context.close()
