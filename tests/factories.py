"""factory_boy factories. Fictional people only."""

import datetime

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from beneficiaries.models import Beneficiary, Interview, InterviewKind, SpeDecision
from partners.models import Department, Membership, Organisation, OrganisationKind, User
from referrals.models import Referral, Status


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = "75"
    name = factory.LazyAttribute(
        lambda o: {"75": "Paris", "93": "Seine-Saint-Denis"}.get(o.code, "Test")
    )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.FRANCE_TRAVAIL
    department = factory.SubFactory(DepartmentFactory)
    notification_email = factory.Sequence(lambda n: f"contact{n}@org.passerelle.test")
    receives_referrals = factory.LazyAttribute(
        lambda o: (
            o.kind
            in {
                OrganisationKind.FRANCE_TRAVAIL,
                OrganisationKind.MISSION_LOCALE,
                OrganisationKind.CAP_EMPLOI,
            }
        )
    )


PASSWORD = "correct-horse-battery"
# Hashed once at import: a 1,000,000-iteration PBKDF2 hash per factory user was over 90 % of the
# suite's time. Every persona shares this hash, so logging in with PASSWORD still works.
PASSWORD_HASH = make_password(PASSWORD)
# For people a factory creates on the side (the auditor of an interview, the sender of a referral).
UNUSABLE_PASSWORD = make_password(None)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@passerelle.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = PASSWORD_HASH


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    is_admin = False


def member_of(organisation, **kwargs):
    """A new person, active member of ``organisation``."""
    return MembershipFactory(organisation=organisation, **kwargs).user


# --- Beneficiaries and referrals (shared by the tests of every app above them) ----------------


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beneficiary

    ofii_number = factory.Sequence(lambda n: f"75-2025-{n:05d}")
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    sex = "F"
    birth_date = datetime.date(1995, 3, 14)
    nationality = "SN"
    permit_kind = "family"
    first_permit_date = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=200)
    )
    cir_signed_on = factory.LazyAttribute(
        lambda o: o.first_permit_date + datetime.timedelta(days=30)
    )
    commune = "Paris"
    postcode = "75019"
    french_level = "A1"
    # Told at the first interview that the file is shared with the SPE partner (required to orient).
    information_notice_on = factory.LazyAttribute(lambda o: o.cir_signed_on)
    ofii_organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.OFII)


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    kind = InterviewKind.PERSONALISED
    held_on = factory.LazyAttribute(lambda o: o.beneficiary.cir_signed_on or timezone.localdate())
    auditor = factory.SubFactory(UserFactory, password=UNUSABLE_PASSWORD)
    organisation = factory.LazyAttribute(lambda o: o.beneficiary.ofii_organisation)
    written_level = "A1"
    oral_level = "A1"
    prescribed_hours = 400
    spe_decision = SpeDecision.ORIENTED


class ReferralFactory(factory.django.DjangoModelFactory):
    """A pending referral, as ``referrals.states`` would create it (use the states functions to
    move it on)."""

    class Meta:
        model = Referral

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    from_organisation = factory.LazyAttribute(lambda o: o.beneficiary.ofii_organisation)
    to_organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.FRANCE_TRAVAIL)
    sender = factory.SubFactory(UserFactory, password=UNUSABLE_PASSWORD)
    reason = "Recherche d'emploi"
    status = Status.PENDING
    sent_at = factory.LazyFunction(timezone.now)
    answer_due_at = factory.LazyAttribute(lambda o: o.sent_at + datetime.timedelta(days=14))
