"""Personas and records of the life of the partnership: the Paris agreement with its
signatories, an employer with a job offer, a programme, a referral France Travail follows."""

import datetime as dt

import pytest
from django.utils import timezone

from governance.life.models import Programme
from governance.models import Agreement, Axis, Signatory
from partners.models import OfferKind, OrganisationKind, ServiceOffer
from referrals import actions as referral_actions
from tests.factories import BeneficiaryFactory, OrganisationFactory, ReferralFactory, member_of


@pytest.fixture
def agreement(orgs):
    today = timezone.localdate()
    agreement = Agreement.objects.create(
        department=orgs["ofii"].department,
        title="Accord de Paris",
        starts_on=today.replace(month=1, day=1) - dt.timedelta(days=365),
        ends_on=today + dt.timedelta(days=400),
        status=Agreement.Status.IN_FORCE,
    )
    for key in ("ofii", "france_travail", "mission_locale", "prefecture"):
        Signatory.objects.create(
            agreement=agreement,
            organisation=orgs[key],
            representative="Représentant",
            representative_title="Directeur",
        )
    Axis.objects.create(agreement=agreement, number=1, title="Connaissance réciproque")
    return agreement


@pytest.fixture
def employer(paris):
    return OrganisationFactory(kind=OrganisationKind.GEIQ, department=paris, name="GEIQ BTP Paris")


@pytest.fixture
def job_offer(employer):
    return ServiceOffer.objects.create(
        organisation=employer,
        kind=OfferKind.JOB,
        title="Maçon VRD (contrat de professionnalisation)",
    )


@pytest.fixture
def cej(orgs):
    programme = Programme.objects.create(
        department=orgs["ofii"].department, name="CEJ Paris", kind=Programme.Kind.CEJ
    )
    programme.operators.set([orgs["mission_locale"], orgs["france_travail"]])
    return programme


@pytest.fixture
def followed(orgs, ofii, france_travail):
    """A referral from OFII Paris, accepted by France Travail Paris; the person is under 26."""
    person = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        last_name="Zorglub",
        birth_date=timezone.localdate() - dt.timedelta(days=20 * 365),
    )
    referral = ReferralFactory(
        beneficiary=person, to_organisation=orgs["france_travail"], sender=ofii
    )
    return referral_actions.accept(france_travail, referral)


@pytest.fixture
def other_counsellor(orgs):
    return member_of(orgs["mission_locale"])
