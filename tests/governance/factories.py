"""Factories of the governance app."""

import datetime as dt

import factory
from django.utils import timezone

from governance.models import Agreement, Axis, Committee, Meeting
from tests.factories import DepartmentFactory


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    department = factory.SubFactory(DepartmentFactory)
    title = factory.Sequence(lambda n: f"Accord départemental n° {n}")
    signed_on = dt.date(2022, 6, 1)
    starts_on = dt.date(2022, 6, 1)
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=900))
    status = Agreement.Status.IN_FORCE

    @factory.post_generation
    def committees(self, create, extracted, **kwargs):
        if create:
            for kind in Committee.STANDING_KINDS:
                Committee.objects.get_or_create(agreement=self, kind=kind)


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Axis

    agreement = factory.SubFactory(AgreementFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Axe {n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.LazyAttribute(lambda o: o.agreement.committees.get(kind=o.kind))
    date = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    place = "Préfecture, salle 2"
    agenda = "Bilan des orientations\nPlan d'actions"
    status = Meeting.Status.PLANNED

    class Params:
        agreement = factory.SubFactory(AgreementFactory)
        kind = Committee.Kind.COPIL
