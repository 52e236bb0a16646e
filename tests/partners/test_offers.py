import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from devdata.demo import partners as demo
from partners.models import OrganisationKind, ServiceOffer, User

from .factories import ServiceOfferFactory

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def offers(orgs):
    """A generic France Travail offer, a Mission Locale 16–25 offer, a Cap emploi RQTH offer, a
    BPI-only offer, an offer needing B1, and one in 93."""
    return {
        "generic": ServiceOfferFactory(organisation=orgs["france_travail"], title="Ateliers CV"),
        "young": ServiceOfferFactory(
            organisation=orgs["mission_locale"],
            title="Contrat d'engagement jeune",
            min_age=16,
            max_age=25,
            publics=["under_26"],
        ),
        "rqth": ServiceOfferFactory(
            organisation=orgs["cap_emploi"], title="Emploi et handicap", requires_rqth=True
        ),
        "bpi": ServiceOfferFactory(
            organisation=orgs["france_travail"], title="Parcours réfugiés", bpi_only=True
        ),
        "b1": ServiceOfferFactory(
            organisation=orgs["partner"], title="Diplômes étrangers", min_french_level="B1"
        ),
        "adult": ServiceOfferFactory(
            organisation=orgs["partner"], title="Atelier adultes", min_age=18
        ),
        "other_department": ServiceOfferFactory(
            organisation=orgs["france_travail93"], title="Offre de Bobigny"
        ),
        "inactive": ServiceOfferFactory(
            organisation=orgs["mission_locale"], title="Ancienne offre", is_active=False
        ),
    }


def titles(queryset):
    return [offer.title for offer in queryset]


def test_fitting_admits_by_profile_and_ranks_targeted_offers_first(offers):
    fitting = ServiceOffer.objects.fitting(age=24, rqth=False, bpi=False, french_level="A1")
    result = titles(fitting)
    assert result[0] == "Contrat d'engagement jeune"
    assert set(result) == {
        "Contrat d'engagement jeune",
        "Ateliers CV",
        "Atelier adultes",
        "Offre de Bobigny",  # fitting() does not scope: callers chain visible_to()
    }
    assert fitting[0].fit_score > 0 and all(offer.fit_score == 0 for offer in fitting[1:])


def test_fitting_for_rqth_and_bpi_puts_their_offers_first(offers):
    rqth = titles(ServiceOffer.objects.fitting(age=40, rqth=True, bpi=False))
    assert rqth[0] == "Emploi et handicap"
    assert "Contrat d'engagement jeune" not in rqth  # 40 is over the bound
    bpi = titles(ServiceOffer.objects.fitting(age=30, bpi=True, french_level="B2"))
    assert bpi[0] == "Parcours réfugiés"
    assert "Diplômes étrangers" in bpi


def test_fitting_checks_each_criterion_only_when_given(offers):
    assert len(ServiceOffer.objects.fitting()) == 7  # every active offer
    under_age = titles(ServiceOffer.objects.fitting(age=15))
    assert "Contrat d'engagement jeune" not in under_age and "Atelier adultes" not in under_age
    assert "Diplômes étrangers" not in titles(ServiceOffer.objects.fitting(french_level="none"))


def test_offer_search_profile_puts_mission_locale_first(client, ofii, offers):
    client.force_login(ofii)
    response = client.get(
        reverse("offer_list"), {"age": "24", "rqth": "false", "bpi": "false", "french_level": "A1"}
    )
    content = text(response)
    assert content.index("Contrat d'engagement jeune") < content.index("Ateliers CV")
    assert "Emploi et handicap" not in content
    assert "Offre de Bobigny" not in content
    assert "Ancienne offre" not in content
    assert "public ciblé" in content


def test_demo_ofii_search_for_24_no_rqth_a1_lists_mission_locale_first(client, settings):
    demo.load("passerelle-demo", _Quiet())
    client.force_login(User.objects.get(email="ofii@demo.passerelle.test"))
    response = client.get(
        reverse("offer_list"), {"age": "24", "rqth": "false", "french_level": "A1"}
    )
    page = list(response.context["page_obj"])
    assert page[0].organisation.kind == OrganisationKind.MISSION_LOCALE
    mission_locale = [o for o in page if o.organisation.kind == OrganisationKind.MISSION_LOCALE]
    assert page[: len(mission_locale)] == mission_locale
    assert {o.organisation.department.code for o in page} == {"75"}
    assert not any(o.requires_rqth for o in page)


@pytest.mark.parametrize(
    ("params", "expected", "absent"),
    [
        ({"kind": "cap_emploi"}, "Emploi et handicap", "Ateliers CV"),
        ({"public": "under_26"}, "Contrat d'engagement jeune", "Ateliers CV"),
        ({"q": "diplômes"}, "Diplômes étrangers", "Ateliers CV"),
        ({"q": "association paris"}, "Atelier adultes", "Ateliers CV"),
        ({"language": "ar"}, "Parcours réfugiés", "Ateliers CV"),
    ],
)
def test_offer_search_filters(client, ofii, offers, params, expected, absent):
    ServiceOffer.objects.filter(pk=offers["bpi"].pk).update(languages=["fr", "ar"])
    client.force_login(ofii)
    content = text(client.get(reverse("offer_list"), params))
    assert expected in content
    assert absent not in content


def test_invalid_or_unknown_filters_are_reported_and_list_nothing(client, ofii, offers):
    client.force_login(ofii)
    content = text(client.get(reverse("offer_list"), {"age": "vingt"}))
    assert "Saisissez un nombre" in content
    assert "Ateliers CV" not in content
    content = text(client.get(reverse("offer_list"), {"agee": "24"}))
    assert "Filtre inconnu : agee" in content
    assert "Ateliers CV" not in content


def test_offers_not_reviewed_for_a_year_are_flagged_to_their_organisation(
    client, mission_locale, ofii, offers, orgs
):
    ServiceOffer.objects.filter(pk=offers["young"].pk).update(
        last_reviewed_on=timezone.localdate() - datetime.timedelta(days=366)
    )
    url = reverse("organisation_detail", args=[orgs["mission_locale"].pk])
    client.force_login(mission_locale)
    content = text(client.get(url))
    assert "Des offres sont à revoir" in content and "plus de 12 mois" in content
    client.force_login(ofii)
    assert "Des offres sont à revoir" not in text(client.get(url))


def test_an_admin_publishes_edits_and_confirms_an_offer(client, orgs):
    from tests.factories import member_of

    admin = member_of(orgs["mission_locale"], is_admin=True)
    client.force_login(admin)
    organisation = orgs["mission_locale"]
    response = client.post(
        reverse("offer_create", args=[organisation.pk]),
        {
            "title": "Garantie jeunes",
            "description": "Un an d'accompagnement.",
            "publics": ["under_26"],
            "min_age": "30",
            "max_age": "25",
            "languages": ["fr", "en"],
            "is_active": "on",
        },
    )
    assert "L'âge maximum doit être supérieur" in text(response)
    response = client.post(
        reverse("offer_create", args=[organisation.pk]),
        {
            "title": "Garantie jeunes",
            "publics": ["under_26"],
            "min_age": "16",
            "max_age": "25",
            "min_french_level": "A1",
            "languages": ["fr", "en"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    offer = ServiceOffer.objects.get(title="Garantie jeunes")
    assert offer.organisation == organisation and offer.languages == ["fr", "en"]
    ServiceOffer.objects.filter(pk=offer.pk).update(last_reviewed_on=datetime.date(2020, 1, 1))
    client.post(reverse("offer_reviewed", args=[organisation.pk, offer.pk]))
    offer.refresh_from_db()
    assert offer.last_reviewed_on == timezone.localdate()


@pytest.mark.parametrize("persona", ["mission_locale", "ofii", "ofii93"])
def test_only_the_organisation_admins_edit_its_offers(client, request, persona, orgs, offers):
    client.force_login(request.getfixturevalue(persona))  # mission_locale: member, not admin
    organisation = orgs["mission_locale"]
    offer = offers["young"]
    assert client.get(reverse("offer_create", args=[organisation.pk])).status_code == 404
    assert client.get(reverse("offer_edit", args=[organisation.pk, offer.pk])).status_code == 404
    assert (
        client.post(reverse("offer_reviewed", args=[organisation.pk, offer.pk])).status_code == 404
    )


class _Quiet:
    def write(self, *args, **kwargs):
        pass
