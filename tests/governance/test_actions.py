"""governance.actions: the agreement and the actions of the plan change through one door, with
an audit row for their creation and every change of status."""

import datetime as dt

import pytest

from governance import actions
from governance.models import Action, Agreement, Committee
from partners.models import AuditEntry

from .factories import AgreementFactory, AxisFactory


def _audit(object_type, pk):
    return list(
        AuditEntry.objects.filter(object_type=object_type, object_id=str(pk))
        .order_by("pk")
        .values_list("action", "detail")
    )


@pytest.mark.django_db
def test_creating_an_agreement_gives_it_its_committees_and_an_audit_row(prefecture, paris):
    agreement = actions.create_agreement(
        prefecture,
        paris,
        {"title": "Accord", "starts_on": dt.date(2025, 1, 1), "ends_on": dt.date(2027, 12, 31)},
    )
    assert set(agreement.committees.values_list("kind", flat=True)) == set(Committee.STANDING_KINDS)
    assert _audit("agreement", agreement.pk) == [("create", "status draft")]


@pytest.mark.django_db
def test_a_change_of_agreement_status_is_audited(client, prefecture, paris):
    agreement = AgreementFactory(department=paris, status=Agreement.Status.DRAFT)
    client.force_login(prefecture)
    response = client.post(
        f"/gouvernance/accords/{agreement.pk}/modifier/",
        {
            "title": agreement.title,
            "starts_on": agreement.starts_on.isoformat(),
            "ends_on": agreement.ends_on.isoformat(),
            "status": Agreement.Status.IN_FORCE,
        },
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.IN_FORCE
    assert _audit("agreement", agreement.pk) == [("transition", "status draft → in_force")]


@pytest.mark.django_db
def test_a_change_of_action_status_is_audited(client, prefecture, paris, orgs):
    agreement = AgreementFactory(department=paris)
    axis = AxisFactory(agreement=agreement)
    client.force_login(prefecture)
    fields = {
        "axis": axis.pk,
        "title": "Forums emploi",
        "lead_organisation": orgs["ofii"].pk,
        "partner_organisations": [orgs["france_travail"].pk],
        "starts_on": "2025-01-01",
        "status": Action.Status.PLANNED,
    }
    client.post(f"/gouvernance/accords/{agreement.pk}/actions/ajouter/", fields)
    action = Action.objects.get(agreement=agreement)
    assert list(action.partner_organisations.all()) == [orgs["france_travail"]]
    response = client.post(
        f"/gouvernance/actions/{action.pk}/modifier/", {**fields, "status": Action.Status.DONE}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    assert _audit("action", action.pk) == [
        ("create", "status planned"),
        ("transition", "status planned → done"),
    ]
