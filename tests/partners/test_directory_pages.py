import html

import pytest
from django.urls import reverse

from partners.models import Contact, Organisation
from tests.factories import UserFactory, member_of

from .factories import ContactFactory, ResourceFactory, ServiceOfferFactory

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("params", "present", "absent"),
    [
        ({"kind": "mission_locale"}, "Mission Locale Paris", "OFII Paris"),
        ({"receives_referrals": "true"}, "Cap emploi Paris", "Préfecture de Paris"),
        ({"receives_referrals": "false"}, "Préfecture de Paris", "Cap emploi Paris"),
        ({"q": "association"}, "Association Paris", "OFII Paris"),
        ({"department": "75"}, "OFII Paris", "OFII Bobigny"),
    ],
)
def test_organisation_list_filters(client, ofii, params, present, absent):
    client.force_login(ofii)
    response = client.get(reverse("organisation_list"), params)
    names = {organisation.name for organisation in response.context["page_obj"]}
    assert present in names and present in text(response)
    assert absent not in names


def test_organisation_page_shows_address_contacts_offers_and_referrals(client, ofii, orgs):
    organisation = orgs["mission_locale"]
    Organisation.objects.filter(pk=organisation.pk).update(address="22 rue Pajol, 75018 Paris")
    ContactFactory(organisation=organisation, name="Référente Agathe", role="Référente de l'accord")
    ServiceOfferFactory(organisation=organisation, title="CEJ")
    ServiceOfferFactory(organisation=organisation, title="Offre close", is_active=False)
    client.force_login(ofii)
    content = text(client.get(reverse("organisation_detail", args=[organisation.pk])))
    for expected in ("22 rue Pajol", "Référente Agathe", "Référente de l'accord", "CEJ"):
        assert expected in content
    assert "reçoit des orientations" in content
    assert "Offre close" not in content  # inactive offers: for its members only
    assert "Gérer les membres" not in content


def test_platform_admin_creates_an_organisation_others_cannot(client, platform_admin, ofii, paris):
    client.force_login(ofii)
    assert client.get(reverse("organisation_create")).status_code == 404
    client.force_login(platform_admin)
    response = client.post(
        reverse("organisation_create"),
        {"name": "PLIE de Paris", "kind": "other", "department": paris.pk},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="PLIE de Paris").department == paris
    # Same name in the same department: a French error, nothing created.
    response = client.post(
        reverse("organisation_create"),
        {"name": "PLIE de Paris", "kind": "other", "department": paris.pk},
    )
    assert response.status_code == 200
    assert Organisation.objects.filter(name="PLIE de Paris").count() == 1


def test_organisation_admin_edits_its_page_but_not_its_kind(client, orgs):
    admin = member_of(orgs["partner"], is_admin=True)
    client.force_login(admin)
    url = reverse("organisation_edit", args=[orgs["partner"].pk])
    response = client.post(
        url,
        {
            "name": "Association Paris Accueil",
            "address": "1 rue de Paris",
            "notification_email": "accueil@example.test",
            "kind": "ofii",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(pk=orgs["partner"].pk)
    assert organisation.name == "Association Paris Accueil"
    assert organisation.kind == "association"


@pytest.mark.parametrize("persona", ["partner", "ofii", "ofii93"])
def test_organisation_edit_is_404_for_non_admins(client, request, persona, orgs):
    client.force_login(request.getfixturevalue(persona))  # partner: member, not admin
    assert client.get(reverse("organisation_edit", args=[orgs["partner"].pk])).status_code == 404


def test_admin_manages_contacts(client, orgs):
    admin = member_of(orgs["partner"], is_admin=True)
    client.force_login(admin)
    organisation = orgs["partner"]
    response = client.post(
        reverse("contact_create", args=[organisation.pk]),
        {"name": "Samir Haddad", "role": "Référent des orientations", "email": "pas une adresse"},
    )
    assert "Saisissez une adresse" in text(response)
    client.post(
        reverse("contact_create", args=[organisation.pk]),
        {"name": "Samir Haddad", "role": "Référent des orientations"},
    )
    contact = Contact.objects.get(organisation=organisation)
    client.post(
        reverse("contact_edit", args=[organisation.pk, contact.pk]),
        {"name": "Samir Haddad", "role": "Référent de l'accord"},
    )
    contact.refresh_from_db()
    assert contact.role == "Référent de l'accord"
    client.post(reverse("contact_delete", args=[organisation.pk, contact.pk]))
    assert not Contact.objects.exists()


def test_resource_search(client, partner, paris):
    ResourceFactory(department=paris, name="SIAO", category="housing", commune="Paris")
    ResourceFactory(
        department=paris,
        name="PASS Saint-Louis",
        category="health",
        commune="Paris",
        description="Soins sans couverture",
    )
    ResourceFactory(department=paris, name="Mobilité 93", category="mobility", commune="Pantin")
    client.force_login(partner)
    url = reverse("resource_list")
    content = text(client.get(url, {"category": "health"}))
    assert "PASS Saint-Louis" in content and "SIAO" not in content
    content = text(client.get(url, {"q": "couverture"}))
    assert "PASS Saint-Louis" in content and "SIAO" not in content
    content = text(client.get(url, {"commune": "pant"}))
    assert "Mobilité 93" in content and "SIAO" not in content
    assert "Sélectionnez un choix valide" in text(client.get(url, {"category": "beach"}))


@pytest.mark.parametrize(
    "page", ["organisation_list", "offer_list", "resource_list", "training_list"]
)
def test_directory_needs_a_membership(client, page, db):
    client.force_login(UserFactory())  # no organisation: signed out by the middleware
    assert client.get(reverse(page)).status_code == 302
    client.logout()
    assert client.get(reverse(page)).status_code == 302  # login required


def test_navigation_and_partner_home_panel(client, orgs):
    admin = member_of(orgs["partner"], is_admin=True)
    client.force_login(admin)
    content = text(client.get(reverse("home")))
    for label in ("Partenaires", "Offres de service", "Ressources", "Formations"):
        assert label in content
    assert "Voir la page de mon organisation" in content
    assert reverse("member_list", args=[orgs["partner"].pk]) in content


def test_partner_home_flags_offers_to_review(client, orgs):
    import datetime

    ServiceOfferFactory(organisation=orgs["partner"], last_reviewed_on=datetime.date(2020, 1, 1))
    ServiceOfferFactory(organisation=orgs["partner"])
    client.force_login(member_of(orgs["partner"]))
    assert "1 offre à revoir (plus de 12 mois)" in text(client.get(reverse("home")))
