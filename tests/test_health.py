import pytest
from django.utils import timezone

from partners.models import ServiceHeartbeat
from partners.tasks import heartbeat

pytestmark = pytest.mark.django_db


def test_health_answers_without_login(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "worker_heartbeat_age_seconds": None}


def test_health_reports_the_worker_heartbeat(client):
    heartbeat.delay()
    beat = ServiceHeartbeat.objects.get(name="worker")
    assert (timezone.now() - beat.beat_at).total_seconds() < 5
    assert client.get("/health/").json()["worker_heartbeat_age_seconds"] is not None
