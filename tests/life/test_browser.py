"""As the coordinator in a browser: record an immersion between OFII and France Travail agents and
a permanence, bind an indicator to "permanences held": the action plan and the bilan count them."""

import pytest
from django.utils import timezone

from governance.bilan import snapshot
from governance.models import Action, AnnualReport, Axis
from tests.browser.conftest import browser_page, login, tick  # noqa: F401 (the fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _activity(page, agreement, kind, place):
    page.goto(page.base_url + f"/gouvernance/accords/{agreement.pk}/activites/")
    page.get_by_role("link", name="Enregistrer une activité").click()
    page.get_by_label("Type").select_option(label=kind)
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Lieu").fill(place)
    tick(page, "OFII Paris")
    tick(page, "France Travail Paris")
    page.get_by_label("Nombre d'agents participants").fill("3")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert page.get_by_text("L'activité est enregistrée.").is_visible()


def test_the_coordinator_records_activities_and_the_plan_counts_them(
    browser_page,  # noqa: F811
    prefecture,
    agreement,
    orgs,
):
    page = browser_page
    year = timezone.localdate().year
    action = Action.objects.create(
        agreement=agreement,
        axis=Axis.objects.get(agreement=agreement),
        title="Permanences du SPE sur la plateforme OFII",
        lead_organisation=orgs["france_travail"],
        starts_on=timezone.localdate().replace(month=1, day=1),
    )
    login(page, prefecture.email, PASSWORD)
    _activity(page, agreement, "Immersion", "Agence France Travail Paris 19e")
    _activity(page, agreement, "Permanence du SPE sur une plateforme OFII", "Plateforme OFII")
    counts = page.get_by_test_id("activity-counts").inner_text()
    assert "Immersions\t1" in counts
    assert "Permanences tenues (SPE sur une plateforme OFII)\t1" in counts

    page.goto(page.base_url + f"/gouvernance/accords/{agreement.pk}/plan-d-actions/")
    page.get_by_role("link", name="Ajouter un indicateur").click()
    page.get_by_label("Indicateur", exact=True).fill("Permanences tenues")
    page.get_by_label("Source", exact=True).select_option(label="Calculé par Passerelle")
    page.get_by_label("Statistique de Passerelle (indicateur calculé)").select_option(
        label="Activités : Permanences tenues (SPE sur une plateforme OFII)"
    )
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    indicator = action.indicators.get()
    row = page.get_by_test_id(f"verdict-{indicator.pk}").locator("xpath=..").inner_text()
    assert "Permanences tenues" in row
    assert "\t1\t" in row

    report = AnnualReport.objects.create(agreement=agreement, year=year, version=1)
    frozen = snapshot.collect(report)
    assert [i["value"] for a in frozen["actions"] for i in a["indicators"]] == [1]
    assert frozen["statistics"]["activities"]["immersion"] == 1
