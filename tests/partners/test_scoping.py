"""Nothing of department 93 appears to a Paris account, on any page or API list."""

import html

import pytest
from django.urls import reverse

from tests.factories import member_of

from .factories import ContactFactory, ResourceFactory, ServiceOfferFactory, TrainingOfferFactory

pytestmark = pytest.mark.django_db

PARIS_PERSONAS = ["ofii", "france_travail", "mission_locale", "prefecture", "partner"]
MARKERS_93 = ["Bobigny", "Seine-Saint-Denis", "France Travail 93"]


@pytest.fixture
def directory(orgs, paris, seine_saint_denis):
    """The same kinds of rows in both departments; those of 93 carry "Bobigny" in their name."""
    for org, department, place in (
        (orgs["france_travail"], paris, "Paris"),
        (orgs["france_travail93"], seine_saint_denis, "Bobigny"),
    ):
        ServiceOfferFactory(organisation=org, title=f"Offre de {place}")
        ContactFactory(organisation=org, name=f"Contact de {place}")
        ResourceFactory(department=department, name=f"Ressource de {place}", commune=place)
        TrainingOfferFactory(department=department, title=f"Formation de {place}", commune=place)
    return orgs


LIST_PAGES = ["home", "organisation_list", "offer_list", "resource_list", "training_list"]


def text(response):
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("persona", PARIS_PERSONAS)
def test_paris_list_pages_show_nothing_of_93(client, request, directory, persona):
    client.force_login(request.getfixturevalue(persona))
    for page in LIST_PAGES:
        response = client.get(reverse(page))
        assert response.status_code == 200
        content = text(response)
        for marker in MARKERS_93:
            assert marker not in content, f"{marker} on {page}"
        if page != "home":
            assert "de Paris" in content or "France Travail Paris" in content, page


@pytest.mark.parametrize("persona", PARIS_PERSONAS)
def test_paris_keyword_searches_find_nothing_of_93(client, request, directory, persona):
    client.force_login(request.getfixturevalue(persona))
    for page in ("organisation_list", "offer_list", "resource_list", "training_list"):
        content = text(client.get(reverse(page), {"q": "Bobigny"}))
        assert "de Bobigny" not in content and "France Travail 93" not in content


def test_paris_own_organisation_and_members_pages_show_nothing_of_93(client, ofii, directory):
    client.force_login(ofii)
    for url in (
        reverse("organisation_detail", args=[directory["ofii"].pk]),
        reverse("organisation_detail", args=[directory["france_travail"].pk]),
        reverse("member_list", args=[directory["ofii"].pk]),
    ):
        content = text(client.get(url))
        for marker in MARKERS_93:
            assert marker not in content


def test_department_filter_offers_only_ones_own_department(client, ofii, directory):
    client.force_login(ofii)
    response = client.get(reverse("organisation_list"), {"department": "93"})
    content = text(response)
    assert "Sélectionnez un choix valide" in content
    assert "France Travail 93" not in content


@pytest.mark.parametrize("persona", PARIS_PERSONAS)
def test_pages_of_93_answer_404_to_paris(client, request, directory, persona):
    client.force_login(request.getfixturevalue(persona))
    org93 = directory["france_travail93"]
    offer93 = org93.offers.get()
    contact93 = org93.contacts.get()
    for url in (
        reverse("organisation_detail", args=[org93.pk]),
        reverse("organisation_edit", args=[org93.pk]),
        reverse("member_list", args=[org93.pk]),
        reverse("contact_create", args=[org93.pk]),
        reverse("contact_edit", args=[org93.pk, contact93.pk]),
        reverse("offer_create", args=[org93.pk]),
        reverse("offer_edit", args=[org93.pk, offer93.pk]),
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("persona", PARIS_PERSONAS)
def test_paris_api_lists_show_nothing_of_93(api_as, request, directory, persona):
    api = api_as(request.getfixturevalue(persona))
    for endpoint in ("/api/v1/organisations/", "/api/v1/offers/"):
        response = api.get(endpoint)
        assert response.status_code == 200
        body = response.content.decode()
        for marker in MARKERS_93:
            assert marker not in body
        assert response.json()["count"] >= 1
        assert api.get(endpoint, {"q": "Bobigny"}).json()["count"] == 0


@pytest.mark.parametrize("persona", PARIS_PERSONAS)
def test_paris_api_details_of_93_answer_404(api_as, request, directory, persona):
    api = api_as(request.getfixturevalue(persona))
    org93 = directory["france_travail93"]
    assert api.get(f"/api/v1/organisations/{org93.pk}/").status_code == 404
    assert api.get(f"/api/v1/offers/{org93.offers.get().pk}/").status_code == 404


def test_93_sees_its_own_department_and_not_paris(client, api_as, directory):
    user = member_of(directory["france_travail93"])
    client.force_login(user)
    content = text(client.get(reverse("offer_list")))
    assert "Offre de Bobigny" in content and "Offre de Paris" not in content
    body = api_as(user).get("/api/v1/organisations/").json()
    assert {row["department"] for row in body["results"]} == {"93"}


def test_platform_admin_sees_both_departments_and_filters_by_department(
    client, api_as, platform_admin, directory
):
    client.force_login(platform_admin)
    content = text(client.get(reverse("training_list")))
    assert "Formation de Paris" in content and "Formation de Bobigny" in content
    api = api_as(platform_admin)
    body = api.get("/api/v1/organisations/", {"department": "93"}).json()
    assert {row["department"] for row in body["results"]} == {"93"}


def test_every_partners_model_holding_department_data_has_its_scope(directory, ofii, partner):
    from partners.models import Contact, Invitation, Membership

    assert set(Contact.objects.visible_to(partner).values_list("name", flat=True)) == {
        "Contact de Paris"
    }
    # Members and invitations: the organisation's administrators, and one's own memberships.
    colleague = member_of(directory["ofii"])
    assert set(Membership.objects.visible_to(ofii)) == {
        ofii.active_membership,
        colleague.active_membership,
    }
    assert list(Membership.objects.visible_to(colleague)) == [colleague.active_membership]
    assert list(Membership.objects.visible_to(partner)) == [partner.active_membership]
    from partners import actions

    invitation = actions.invite(ofii, directory["ofii"], "nouvelle@example.test")
    assert list(Invitation.objects.visible_to(ofii)) == [invitation]
    assert not Invitation.objects.visible_to(colleague).exists()
    assert not Invitation.objects.visible_to(partner).exists()
