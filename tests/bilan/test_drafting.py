"""The drafting of a year's bilan: the lead organisation's values and comments, the comité
technique's summary, printed in the PDF beside the previous year and the cumulative figure; the
governance chapter shows the state at the end of the year covered."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.actions import set_follow_up_status
from governance.models import FollowUpItem, Indicator, IndicatorYear

from .factories import paris_agreement, ready_report, validating_copil
from .test_bilan import pdf_text, request

pytestmark = pytest.mark.django_db


def test_the_lead_writes_the_coordinator_summarises_and_the_pdf_prints_both(
    client, orgs, ofii, prefecture, mission_locale, django_capture_on_commit_callbacks
):
    agreement = paris_agreement(orgs)  # its action is led by the OFII directorate
    action = agreement.actions.get()
    manual = action.indicators.get(source=Indicator.Source.MANUAL)
    IndicatorYear.objects.create(indicator=manual, year=2024, value=1)
    url = reverse("governance:bilan:contribution", args=[action.pk, 2025])
    # Another organisation may not write for this action.
    client.force_login(mission_locale)
    assert client.get(url).status_code == 404
    client.force_login(ofii)
    response = client.post(
        url,
        {
            "comment": "Deux immersions organisées, deux reportées à 2026.",
            f"value_{manual.pk}": "3",
            f"comment_{manual.pk}": "Agences de Paris 10e et 19e.",
        },
    )
    assert response.status_code == 302
    bad = client.post(url, {f"value_{manual.pk}": "-1"})
    assert bad.status_code == 400
    assert "supérieure ou égale à 0" in bad.content.decode()
    client.force_login(prefecture)
    response = client.post(
        reverse("governance:bilan:draft", args=[agreement.pk, 2025]),
        {"summary": "Une année de montée en charge.", "highlights": "Premier forum emploi."},
    )
    assert response.status_code == 302
    # An item decided in 2026 is not part of the 2025 governance chapter; one closed in 2026
    # was still open at the end of 2025.
    late = FollowUpItem.objects.get()
    set_follow_up_status(prefecture, late.pk, FollowUpItem.Status.DONE)
    FollowUpItem.objects.create(
        meeting=validating_copil(agreement, when=timezone.now() - dt.timedelta(days=2)),
        description="Relancer les agences en 2026",
        owner=orgs["france_travail"],
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )
    report, _ = request(prefecture, agreement, 2025, django_capture_on_commit_callbacks)
    text = pdf_text(report)
    assert "Une année de montée en charge." in text
    assert "Premier forum emploi." in text
    assert "Deux immersions organisées, deux reportées à 2026." in text
    assert "Agences de Paris 10e et 19e." in text
    indicator = report.snapshot["actions"][0]["indicators"][1]
    assert (indicator["value"], indicator["previous"], indicator["cumulative"]) == (3, 1, 4)
    assert "Transmettre le calendrier des immersions" in text
    assert "Relancer les agences en 2026" not in text
    assert report.snapshot["as_of"] == "2025-12-31"


def test_nothing_changes_once_the_year_is_validated(client, orgs, ofii, prefecture):
    agreement = paris_agreement(orgs)
    from governance.bilan import actions as bilan

    bilan.validate_report(prefecture, ready_report(agreement).pk, validating_copil(agreement))
    client.force_login(prefecture)
    response = client.post(
        reverse("governance:bilan:draft", args=[agreement.pk, 2025]), {"summary": "Trop tard"}
    )
    assert response.status_code == 400
    assert "Le bilan 2025 est validé par le COPIL : sa rédaction est close." in (
        response.content.decode()
    )
