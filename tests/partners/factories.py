"""Factories of the directory. Fictional people and places only."""

import datetime

import factory

from partners.models import Contact, Resource, ResourceCategory, ServiceOffer, TrainingOffer
from tests.factories import DepartmentFactory, OrganisationFactory


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    role = "Référent des orientations"
    email = factory.Sequence(lambda n: f"contact{n}@partenaire.passerelle.test")


class ServiceOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceOffer

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Offre {n}")
    description = "Accompagnement vers l'emploi."
    how_to_register = "Sur orientation."
    languages = ["fr"]


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"Ressource {n}")
    category = ResourceCategory.HOUSING
    commune = "Paris"
    postcode = "75019"


class TrainingOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingOffer

    key = factory.Sequence(lambda n: f"T-{n:05d}")
    department = factory.SubFactory(DepartmentFactory)
    provider = "Organisme de formation"
    title = factory.Sequence(lambda n: f"Formation {n}")
    kind = TrainingOffer.Kind.FRENCH
    target_level = "A2"
    hours = 100
    funder = TrainingOffer.Funder.OFII
    commune = "Paris"
    starts_on = datetime.date(2027, 1, 4)
    ends_on = datetime.date(2027, 3, 1)
