"""/health/ reports each service apart and answers 503 when one is down; /health/web/ (the web
container's health check) reports the database only."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from partners.models import ServiceHeartbeat
from partners.tasks import heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_broker():
    """A broker in use (not the in-process mode): Kombu's in-memory transport answers."""
    from config.celery import app

    previous = app.conf.broker_url
    app.conf.task_always_eager = False  # restored by conftest's _celery_eager
    app.conf.broker_url = "memory://"
    yield app
    app.conf.broker_url = previous


def beat(name, seconds_ago=0):
    ServiceHeartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": timezone.now() - timedelta(seconds=seconds_ago)}
    )


def test_in_process_mode_reports_broker_worker_and_beat_unused(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "ok",
        "broker": "unused",
        "worker": "unused",
        "beat": "unused",
    }


def test_every_service_up_answers_200(client, with_broker):
    beat("worker")
    beat("beat")
    response = client.get("/health/")
    assert response.status_code == 200
    assert set(response.json()["checks"].values()) == {"ok"}


def test_a_silent_worker_is_down(client, with_broker, settings):
    beat("worker", seconds_ago=settings.HEALTH_HEARTBEAT_MAX_AGE + 1)
    beat("beat")
    response = client.get("/health/")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["worker"] == "down"
    assert checks["beat"] == "ok"
    assert response.json()["worker_heartbeat_age_seconds"] > settings.HEALTH_HEARTBEAT_MAX_AGE


def test_beat_without_a_heartbeat_is_down(client, with_broker):
    beat("worker")
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"] == "down"
    assert response.json()["checks"]["worker"] == "ok"


def test_an_unreachable_broker_is_down(client, with_broker):
    with_broker.conf.broker_url = "redis://127.0.0.1:1/0"
    beat("worker")
    beat("beat")
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "down"
    assert response.json()["checks"]["cache"] == "ok"


def test_an_unreachable_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "down"
    assert response.json()["checks"]["database"] == "ok"


def test_an_unreachable_database_is_down(client, monkeypatch):
    from partners import health

    class Broken:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Broken())
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "down"
    web = client.get("/health/web/")
    assert web.status_code == 503
    assert web.json()["checks"] == {"database": "down"}


def test_the_web_container_check_needs_only_the_database(client, with_broker):
    # No worker nor beat heartbeat: the web container is healthy all the same.
    response = client.get("/health/web/")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok"}


def test_the_heartbeat_task_records_the_worker(client):
    heartbeat.delay()
    recorded = ServiceHeartbeat.objects.get(name="worker")
    assert (timezone.now() - recorded.beat_at).total_seconds() < 5


def test_beat_records_its_own_heartbeat(tmp_path):
    from config.celery import HeartbeatScheduler, app

    scheduler = HeartbeatScheduler(app, schedule_filename=str(tmp_path / "schedule"))
    try:
        scheduler.tick()
    finally:
        scheduler.close()
    assert ServiceHeartbeat.objects.filter(name="beat").exists()
