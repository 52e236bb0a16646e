"""Embedded mode (no Redis): the bilan is generated outside the request, by the web process's
background thread, and the progress page goes on to "Prêt"."""

import pytest
from django.urls import reverse

from governance.bilan import background
from governance.models import AnnualReport

from .factories import paris_agreement

pytestmark = pytest.mark.django_db(transaction=True)


def test_requesting_a_bilan_answers_at_once_and_the_progress_reaches_ready(
    client, orgs, prefecture, settings
):
    settings.BILAN_EMBEDDED_THREAD = True
    assert background.embedded()
    agreement = paris_agreement(orgs)
    client.force_login(prefecture)
    response = client.post(
        reverse("governance:bilan:request"), {"agreement": agreement.pk, "year": 2025}
    )
    report = AnnualReport.objects.get()
    assert response.status_code == 302
    # The request came back before the document was made: the page shows the progress.
    status_url = reverse("governance:bilan:status", args=[report.pk])
    assert client.get(status_url).json()["done"] is False
    page = client.get(response.url).content.decode()
    assert 'data-status-url="' + status_url + '"' in page
    background.wait_idle()
    status = client.get(status_url).json()
    assert (status["status_label"], status["progress"], status["done"]) == ("Prêt", 100, True)
    page = client.get(response.url).content.decode()
    assert "Télécharger le PDF" in page
