"""The import through a real Celery worker over Redis, on PostgreSQL: the page queues the job,
the worker runs it, the progress page sees it end."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries.models import Beneficiary, ImportJob

from ..conftest import wait_for
from .test_import import SAMPLE

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_runs_the_import(client, ofii, celery_worker_factory):
    celery_worker_factory()
    client.force_login(ofii)
    response = client.post(
        reverse("beneficiaries:import"),
        {"file": SimpleUploadedFile("b.csv", SAMPLE.read_bytes(), "text/csv")},
    )
    job = ImportJob.objects.get()
    assert response.url == reverse("beneficiaries:import_detail", args=[job.pk])
    wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.DONE).exists(),
        timeout=120,
    )
    assert Beneficiary.objects.count() == 20
    assert "20 dossiers importés" in client.get(response.url).content.decode()
