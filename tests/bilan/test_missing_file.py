"""A bilan whose file is gone (a database restored without its files): a French message, no 500."""

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import AnnualReport

from .factories import paris_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def orphan(orgs, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = AnnualReport.objects.create(agreement=paris_agreement(orgs), year=2025, version=1)
    AnnualReport.objects.filter(pk=report.pk).update(
        pdf="bilans/1/2025/bilan-75-2025-v1.pdf",
        status=AnnualReport.Status.READY,
        sha256="0" * 64,
        generated_at=timezone.now(),
    )
    return report


def test_the_page_says_the_file_is_missing(client, prefecture, orphan):
    client.force_login(prefecture)
    response = client.get(reverse("governance:bilan:download", args=[orphan.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("governance:bilan:detail", args=[orphan.pk])
    assert "Le fichier PDF de ce bilan est introuvable" in response.content.decode()


def test_the_api_answers_404_with_the_reason(api_as, prefecture, orphan):
    response = api_as(prefecture).get(reverse("report-download", args=[orphan.pk]))
    assert response.status_code == 404
    assert "introuvable" in response.json()["detail"]
