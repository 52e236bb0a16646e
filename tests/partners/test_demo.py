import io

import pytest
from django.db.models import Count

from partners import demo
from partners.models import Contact, Organisation, Resource, ServiceOffer, TrainingOffer

pytestmark = pytest.mark.django_db

MODELS = (ServiceOffer, Contact, Resource, TrainingOffer)


def test_demo_directory_is_complete_and_idempotent():
    demo.load("passerelle-demo", io.StringIO())
    counts = {model: model.objects.count() for model in MODELS}
    assert counts[Resource] >= 30
    assert counts[TrainingOffer] >= 60
    assert set(TrainingOffer.objects.values_list("department__code", flat=True)) == {"75", "93"}
    without_offers = (
        Organisation.objects.filter(
            kind__in=["france_travail", "mission_locale", "cap_emploi", "association"]
        )
        .annotate(n=Count("offers"))
        .filter(n=0)
    )
    assert not without_offers.exists()
    assert not Organisation.objects.annotate(n=Count("contacts")).filter(n=0).exists()
    assert ServiceOffer.objects.stale().exists()  # something to review in the demo

    demo.load("passerelle-demo", io.StringIO())
    assert {model: model.objects.count() for model in MODELS} == counts
