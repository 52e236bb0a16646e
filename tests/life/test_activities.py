"""Partnership activities: recorded by the coordination and the signatories, listed per
agreement and per organisation, counted by kind, bound to indicators, counted in the bilan."""

import datetime as dt

import pytest
from django.utils import timezone

from governance import statistics
from governance.bilan import render, snapshot
from governance.life.models import Activity
from governance.models import Action, AnnualReport, Axis, Indicator, IndicatorYear
from partners.models import AuditEntry
from tests.factories import member_of

pytestmark = pytest.mark.django_db


def _record(client, agreement, orgs, kind, **extra):
    data = {
        "kind": kind,
        "held_on": timezone.localdate().isoformat(),
        "place": "Plateforme OFII, Paris 11e",
        "organisations": [orgs["ofii"].pk, orgs["france_travail"].pk],
        "agents": 3,
        "people_met": 12,
        "report": "Présentation croisée des offres de service.",
    }
    data.update(extra)
    return client.post(f"/gouvernance/accords/{agreement.pk}/activites/nouvelle/", data)


def test_the_coordinator_records_activities_counted_by_kind(client, prefecture, agreement, orgs):
    client.force_login(prefecture)
    assert _record(client, agreement, orgs, "immersion").status_code == 302
    assert _record(client, agreement, orgs, "permanence").status_code == 302
    assert _record(client, agreement, orgs, "permanence").status_code == 302
    activity = Activity.objects.filter(kind="immersion").get()
    assert set(activity.organisations.all()) == {orgs["ofii"], orgs["france_travail"]}
    assert AuditEntry.objects.filter(object_type="activity", object_id=str(activity.pk)).exists()

    figures = statistics.compute(agreement.department, timezone.localdate().year)
    assert figures["activities"]["permanence"] == 2
    assert figures["activities"]["immersion"] == 1
    # No person in an activity: small counts are not masked.
    assert figures["activities_total"] == 3
    assert figures["activity_agents"] == 9

    page = client.get(f"/gouvernance/accords/{agreement.pk}/activites/")
    assert page.status_code == 200
    counts = page.content.decode().split('data-testid="activity-counts"')[1].split("</table>")[0]
    assert "Permanences tenues (SPE sur une plateforme OFII)</td><td>2<" in counts


def test_listed_per_organisation(client, prefecture, agreement, orgs):
    client.force_login(prefecture)
    _record(client, agreement, orgs, "visit", organisations=[orgs["mission_locale"].pk])
    _record(client, agreement, orgs, "working_meeting")
    url = f"/gouvernance/accords/{agreement.pk}/activites/?organisation={orgs['mission_locale'].pk}"
    text = client.get(url).content.decode()
    listed = text.split('data-testid="activities"')[1]
    assert "Visite" in listed
    assert "Réunion de travail" not in listed
    assert client.get(url.replace(str(orgs["mission_locale"].pk), "abc")).status_code == 404
    other = orgs["france_travail93"].pk
    assert client.get(url.replace(str(orgs["mission_locale"].pk), str(other))).status_code == 404


def test_a_signatory_records_and_another_partner_may_not(client, agreement, orgs, partner):
    client.force_login(member_of(orgs["france_travail"]))
    assert _record(client, agreement, orgs, "immersion").status_code == 302
    client.force_login(partner)  # an association that did not sign
    assert _record(client, agreement, orgs, "immersion").status_code == 404
    assert Activity.objects.count() == 1


def test_bad_input_is_answered_in_french(client, prefecture, agreement, orgs):
    client.force_login(prefecture)
    response = _record(client, agreement, orgs, "permanence", agents=0, organisations=[])
    assert response.status_code == 400
    text = response.content.decode()
    assert "Au moins un agent participe." in text
    assert Activity.objects.count() == 0


def test_out_of_department_agreement_is_404(client, agreement, orgs):
    client.force_login(member_of(orgs["ofii93"]))
    assert client.get(f"/gouvernance/accords/{agreement.pk}/activites/").status_code == 404


def test_an_indicator_bound_to_permanences_held_counts_them_on_the_plan_and_in_the_bilan(
    client, prefecture, agreement, orgs
):
    year = timezone.localdate().year
    client.force_login(prefecture)
    for _ in range(2):
        _record(client, agreement, orgs, "permanence")
    action = Action.objects.create(
        agreement=agreement,
        axis=Axis.objects.get(agreement=agreement),
        title="Permanences du SPE sur la plateforme OFII",
        lead_organisation=orgs["france_travail"],
        starts_on=dt.date(year, 1, 1),
    )
    response = client.post(
        f"/gouvernance/actions/{action.pk}/indicateurs/ajouter/",
        {"name": "Permanences tenues", "source": "computed", "statistic": "activities.permanence"},
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(action=action)
    IndicatorYear.objects.create(indicator=indicator, year=year, target=2)
    page = client.get(f"/gouvernance/accords/{agreement.pk}/plan-d-actions/?year={year}")
    assert "Atteint" in page.content.decode()

    report = AnnualReport.objects.create(agreement=agreement, year=year, version=1)
    frozen = snapshot.collect(report)
    values = [i["value"] for a in frozen["actions"] for i in a["indicators"]]
    assert values == [2]
    html = render.render_html(frozen)
    assert "Activités partenariales (immersions, visites, permanences…)" in html
