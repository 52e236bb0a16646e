import pytest
from django.utils import timezone

from beneficiaries.timeline import timeline
from partners.models import OrganisationKind, ServiceOffer
from referrals import actions
from referrals.recommendation import recommend
from tests.factories import BeneficiaryFactory, OrganisationFactory

from .conftest import years_ago

pytestmark = pytest.mark.django_db


def names(rows):
    return [org.name for org, _recommended, _offers in rows]


def test_under_26_mission_locale_rqth_cap_emploi_otherwise_france_travail(orgs, paris):
    young = BeneficiaryFactory(ofii_organisation=orgs["ofii"], birth_date=years_ago(22))
    disabled = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"], birth_date=years_ago(40), rqth=True
    )
    adult = BeneficiaryFactory(ofii_organisation=orgs["ofii"], birth_date=years_ago(40))
    assert names(recommend(young, orgs["ofii"]))[0] == "Mission Locale Paris"
    assert names(recommend(disabled, orgs["ofii"]))[0] == "Cap emploi Paris"
    rows = recommend(adult, orgs["ofii"])
    assert names(rows)[0] == "France Travail Paris" and rows[0][1] is True
    # Only receiving partners of the department, never the sender itself.
    assert set(names(rows)) == {"France Travail Paris", "Mission Locale Paris", "Cap emploi Paris"}


def test_partners_with_a_fitting_offer_come_next(orgs, paris):
    plie = OrganisationFactory(
        kind=OrganisationKind.ASSOCIATION,
        department=paris,
        name="PLIE Paris",
        receives_referrals=True,
    )
    ServiceOffer.objects.create(organisation=plie, title="Parcours PLIE", min_age=26)
    ServiceOffer.objects.create(
        organisation=orgs["cap_emploi"], title="Réservé RQTH", requires_rqth=True
    )
    adult = BeneficiaryFactory(ofii_organisation=orgs["ofii"], birth_date=years_ago(40))
    rows = recommend(adult, orgs["ofii"])
    assert names(rows)[:2] == ["France Travail Paris", "PLIE Paris"]
    assert [o.title for o in rows[1][2]] == ["Parcours PLIE"]
    young = BeneficiaryFactory(ofii_organisation=orgs["ofii"], birth_date=years_ago(20))
    assert "PLIE Paris" != names(recommend(young, orgs["ofii"]))[1]


def test_timeline_shows_each_step_to_ofii_and_nothing_to_other_partners(
    ofii, mission_locale, france_travail, referral
):
    actions.accept(mission_locale, referral)
    actions.start(mission_locale, referral)
    actions.close(
        mission_locale, referral, outcome="training_language", outcome_date=timezone.localdate()
    )
    titles = [
        e.title for e in timeline(referral.beneficiary, ofii) if e.kind.startswith("referral")
    ]
    assert titles == [
        "Orientation envoyée à Mission Locale Paris",
        "Orientation acceptée par Mission Locale Paris",
        "Premier rendez-vous tenu chez Mission Locale Paris",
        "Accompagnement clôturé par Mission Locale Paris",
    ]
    assert [
        e for e in timeline(referral.beneficiary, france_travail) if e.kind.startswith("referral")
    ] == []


def test_timeline_orders_by_real_time_then_by_the_path(ofii, mission_locale, referral, young):
    from referrals.models import FollowUp

    actions.accept(mission_locale, referral)
    actions.start(mission_locale, referral)
    actions.add_follow_up(
        mission_locale, referral, kind=FollowUp.Kind.DIAGNOSTIC, happened_on=timezone.localdate()
    )
    titles = [entry.title for entry in timeline(young, ofii) if entry.kind != "file"]
    # Recorded after the first appointment on the same day: after it (not at noon, before it).
    assert titles[-3:] == [
        "Orientation acceptée par Mission Locale Paris",
        "Premier rendez-vous tenu chez Mission Locale Paris",
        "Suivi Mission Locale Paris : Diagnostic approfondi",
    ]
