"""A real Celery worker (not eager mode) runs a task through Redis; PostgreSQL sees the result."""

import pytest
from django.db import connection

from partners.models import ServiceHeartbeat
from partners.tasks import heartbeat

from ..conftest import wait_for

pytestmark = pytest.mark.services


def test_a_real_worker_runs_a_task_through_redis(celery_worker_factory):
    assert connection.vendor == "postgresql"
    worker = celery_worker_factory()
    result = heartbeat.apply_async(kwargs={"name": "ci-probe"})
    assert result.id  # queued on Redis, not run in-process
    beat = wait_for(lambda: ServiceHeartbeat.objects.filter(name="ci-probe").first(), timeout=90)
    assert beat.beat_at is not None
    assert "partners.tasks.heartbeat" in worker.output()
