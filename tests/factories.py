"""factory_boy factories. Fictional people only."""

import factory

from partners.models import Department, Membership, Organisation, OrganisationKind, User


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


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@passerelle.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password("correct-horse-battery")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    is_admin = False


def member_of(organisation, **kwargs):
    """A new person, active member of ``organisation``."""
    return MembershipFactory(organisation=organisation, **kwargs).user
