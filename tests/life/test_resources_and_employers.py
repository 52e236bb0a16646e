"""The resource base kept by its owner, and the employers of the directory."""

import datetime as dt

import pytest
from django.utils import timezone

from partners.models import AuditEntry, EmployerPartnership, Resource
from tests.factories import BeneficiaryFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def resource(paris):
    return Resource.objects.create(
        department=paris,
        name="Point d'accès au droit",
        category="legal",
        last_reviewed_on=timezone.localdate() - dt.timedelta(days=400),
    )


def _edit(client, resource, name):
    return client.post(
        f"/ressources/{resource.pk}/",
        {"name": name, "category": "legal", "commune": "Paris", "postcode": "75011"},
    )


def test_france_travail_edits_a_resource_and_ofii_sees_it_in_the_interview(
    client, france_travail, ofii, resource, orgs
):
    client.force_login(france_travail)
    assert _edit(client, resource, "Point-justice Paris 11").status_code == 302
    resource.refresh_from_db()
    assert resource.name == "Point-justice Paris 11"
    assert resource.last_reviewed_on == timezone.localdate()
    assert AuditEntry.objects.filter(
        object_type="resource", object_id=str(resource.pk), action="update"
    ).exists()

    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    client.force_login(ofii)
    page = client.get(f"/beneficiaires/{person.pk}/entretiens/nouveau/")
    assert page.status_code == 200
    assert "Point-justice Paris 11" in page.content.decode()


def test_only_the_keepers_edit_and_the_coordinator_names_them(
    client, france_travail, ofii, prefecture, resource, orgs, agreement
):
    client.force_login(ofii)
    assert _edit(client, resource, "Changé").status_code == 404
    client.force_login(prefecture)
    response = client.post(
        f"/gouvernance/accords/{agreement.pk}/ressources/", {"keepers": [orgs["ofii"].pk]}
    )
    assert response.status_code == 302
    client.force_login(france_travail)
    assert _edit(client, resource, "Changé").status_code == 404
    client.force_login(ofii)
    assert _edit(client, resource, "Changé par l'OFII").status_code == 302


def test_bad_postcode_is_refused_in_french(client, france_travail, resource):
    client.force_login(france_travail)
    response = client.post(
        f"/ressources/{resource.pk}/", {"name": "X", "category": "legal", "postcode": "7501"}
    )
    assert response.status_code == 400
    assert "Le code postal compte cinq chiffres." in response.content.decode()


def test_stale_resources_are_flagged_to_their_keepers_only(
    client, france_travail, partner, resource
):
    client.force_login(france_travail)
    assert 'data-testid="stale-resources"' in client.get("/").content.decode()
    client.post(f"/ressources/{resource.pk}/a-jour/")
    resource.refresh_from_db()
    assert resource.last_reviewed_on == timezone.localdate()
    assert 'data-testid="stale-resources"' not in client.get("/").content.decode()
    resource.last_reviewed_on = timezone.localdate() - dt.timedelta(days=400)
    resource.save()
    client.force_login(partner)
    assert 'data-testid="stale-resources"' not in client.get("/").content.decode()


def test_an_employer_partnership_is_recorded_by_the_coordination(client, prefecture, employer):
    client.force_login(prefecture)
    url = f"/organisations/{employer.pk}/partenariat/"
    response = client.post(url, {"convention_signed": "on", "recruitments": 10})
    assert response.status_code == 400
    assert "Indiquez la date de signature de la convention." in response.content.decode()
    response = client.post(
        url, {"convention_signed": "on", "signed_on": "2025-03-01", "recruitments": 10}
    )
    assert response.status_code == 302
    assert EmployerPartnership.objects.get(organisation=employer).recruitments == 10
    page = client.get(f"/organisations/{employer.pk}/").content.decode()
    assert "signée le 1 mars 2025" in page


def test_a_partner_may_not_edit_an_employer_partnership(client, partner, employer, orgs):
    client.force_login(partner)
    assert client.get(f"/organisations/{employer.pk}/partenariat/").status_code == 404
    response = client.post(f"/organisations/{employer.pk}/partenariat/", {"trainings": 2})
    assert response.status_code == 404
    client.force_login(member_of(orgs["prefecture"]))
    assert client.get(f"/organisations/{orgs['partner'].pk}/partenariat/").status_code == 404
