"""As the préfecture in a browser: hold the second COPIL of the year and see the warning go."""

import datetime as dt

import pytest
from django.utils import timezone

from governance.models import Attendance, Decision, Meeting
from tests.browser.conftest import login, tick
from tests.conftest import PASSWORD

from .factories import AgreementFactory, MeetingFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_prefecture_holds_the_second_copil(browser_page, prefecture, paris, orgs):
    page = browser_page
    agreement = AgreementFactory(department=paris, title="Accord de Paris")
    first = timezone.now().replace(month=1, day=15)
    MeetingFactory(agreement=agreement, date=first, status=Meeting.Status.HELD)

    login(page, prefecture.email, PASSWORD)
    page.goto(page.base_url + "/gouvernance/")
    warning = page.get_by_test_id("cadence-warning-copil")
    assert "1 réunion tenue en" in warning.inner_text()

    page.get_by_role("link", name="Programmer une réunion").first.click()
    page.get_by_label("Comité", exact=True).select_option(label="Comité de pilotage (COPIL)")
    when = timezone.localtime() - dt.timedelta(hours=1)
    page.get_by_label("Date").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Lieu").fill("Préfecture, salle du conseil")
    page.get_by_label("Ordre du jour").fill("Bilan annuel\nFeuille de route")
    tick(page, "OFII Paris")
    tick(page, "France Travail Paris")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("meeting-status").text_content().strip() == "Prévue"

    page.get_by_text("Enregistrer les présences", exact=True).first.click()
    form = page.get_by_test_id("attendance-form")
    form.get_by_label("OFII Paris").select_option("present")
    form.get_by_label("France Travail Paris").select_option("excused")
    form.get_by_role("button", name="Enregistrer les présences").click()
    page.wait_for_load_state()
    assert "Présent" in page.get_by_test_id("attendance").inner_text()

    page.get_by_label("Décision", exact=True).fill("Le bilan de l'année passée est validé.")
    page.get_by_role("button", name="Ajouter la décision").click()
    page.wait_for_load_state()
    assert "Le bilan de l'année passée est validé." in page.get_by_test_id("decisions").inner_text()

    page.get_by_label("Compte rendu").fill("Relevé de conclusions.")
    page.get_by_role("button", name="Déclarer la réunion tenue").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("meeting-status").text_content().strip() == "Tenue"

    page.goto(page.base_url + "/gouvernance/")
    assert page.get_by_test_id("cadence-warning-copil").count() == 0
    assert page.get_by_test_id("cadence-ok-copil").count() == 1
    # The comité technique is still behind: its warning stays.
    assert page.get_by_test_id("cadence-warning-technical").count() == 1

    meeting = Meeting.objects.get(place="Préfecture, salle du conseil")
    assert meeting.status == Meeting.Status.HELD
    assert set(Attendance.objects.filter(meeting=meeting).values_list("presence", flat=True)) == {
        "present",
        "excused",
    }
    assert Decision.objects.filter(meeting=meeting).count() == 1
