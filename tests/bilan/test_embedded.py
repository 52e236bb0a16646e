"""Embedded mode (no Redis): the bilan is generated outside the request, by the web process's
background thread, and the progress page goes on to "Prêt"."""

import threading

import pytest
from django.urls import reverse

from governance.bilan import background
from governance.models import AnnualReport

from .factories import paris_agreement

pytestmark = pytest.mark.django_db(transaction=True)


def test_requesting_a_bilan_answers_at_once_and_the_progress_reaches_ready(
    client, orgs, prefecture, settings, monkeypatch
):
    settings.BILAN_EMBEDDED_THREAD = True
    assert background.embedded()
    # The thread waits until the pages below have been read: on the in-memory SQLite of the tests,
    # a read while the thread writes answers "table is locked" at once (no busy timeout).
    go, real_apply = threading.Event(), background._apply
    monkeypatch.setattr(background, "_apply", lambda *job: go.wait(30) and real_apply(*job))
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
    go.set()
    background.wait_idle()
    status = client.get(status_url).json()
    assert (status["status_label"], status["progress"], status["done"]) == ("Prêt", 100, True)
    page = client.get(response.url).content.decode()
    assert "Télécharger le PDF" in page


def test_a_transient_error_in_the_background_gets_another_try(
    client, orgs, prefecture, settings, monkeypatch
):
    """SQLite answers "database is locked" while a page reads the table: without a worker to
    retry it, the thread tries again itself and the bilan still reaches "Prêt"."""
    from django.db import OperationalError

    from governance.bilan import render

    settings.BILAN_EMBEDDED_THREAD = True
    monkeypatch.setattr(background, "RETRY_PAUSE", 0.01)
    real_generate, calls = render.generate, []

    def locked_once(report_id, on_step):
        calls.append(report_id)
        if len(calls) == 1:
            raise OperationalError("database table is locked: governance_annualreport")
        return real_generate(report_id, on_step=on_step)

    monkeypatch.setattr(render, "generate", locked_once)
    agreement = paris_agreement(orgs)
    client.force_login(prefecture)
    client.post(reverse("governance:bilan:request"), {"agreement": agreement.pk, "year": 2025})
    background.wait_idle()
    report = AnnualReport.objects.get()
    assert (report.status, report.progress, len(calls)) == (AnnualReport.Status.READY, 100, 2)
