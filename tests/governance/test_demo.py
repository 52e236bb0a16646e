"""The governance demo: the Paris agreement as in the seed, idempotent, 2026 one COPIL short."""

import io

import pytest
from django.core.management import call_command

from governance import queries
from governance.models import Action, Agreement, Indicator, Meeting

pytestmark = pytest.mark.django_db


def test_demo_agreements_and_cadence(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    paris = Agreement.objects.get(department__code="75")
    assert paris.axes.count() == 3
    assert paris.signatories.count() >= 7
    assert Action.objects.filter(agreement=paris).count() >= 10
    assert Indicator.objects.filter(action__agreement=paris, source="computed").exists()
    years = {m.date.year for m in Meeting.objects.filter(committee__agreement=paris)}
    assert years == {2023, 2024, 2025, 2026}
    cadence = {row["committee"].kind: row for row in queries.cadence(paris, 2026)}
    assert cadence["copil"]["behind"] and cadence["copil"]["held"] == 1
    assert not cadence["technical"]["behind"]
    assert Agreement.objects.filter(department__code="93").exists()

    counts = (Agreement.objects.count(), Meeting.objects.count(), Action.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Agreement.objects.count(), Meeting.objects.count(), Action.objects.count()) == counts
