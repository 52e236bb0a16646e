"""/health/: each service the application relies on, checked apart.

``/health/`` (monitoring) reports the database, the cache, the broker, and the worker and beat
heartbeats; it answers 503 when one of them is down. ``/health/web/`` (docker-compose's health
check of the web container) reports only what the web process itself needs: the database.
Without a broker (the embedded mode runs tasks in-process) broker, worker and beat are "unused".
"""

import logging

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from .models import ServiceHeartbeat

logger = logging.getLogger(__name__)
OK, DOWN, UNUSED = "ok", "down", "unused"


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.warning("health: database unavailable")
        return DOWN
    return OK


def check_cache():
    try:
        cache.set("health-probe", "1", 10)
        if cache.get("health-probe") != "1":
            return DOWN
    except Exception:
        logger.warning("health: cache unavailable")
        return DOWN
    return OK


def check_broker():
    if current_app.conf.task_always_eager:
        return UNUSED
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        logger.warning("health: broker unavailable")
        return DOWN
    return OK


def heartbeat_ages(database):
    if database != OK:
        return {}
    now = timezone.now()
    return {
        name: int((now - at).total_seconds())
        for name, at in ServiceHeartbeat.objects.filter(name__in=["worker", "beat"]).values_list(
            "name", "beat_at"
        )
    }


def heartbeat_state(age):
    if current_app.conf.task_always_eager:
        return UNUSED
    if age is None or age > settings.HEALTH_HEARTBEAT_MAX_AGE:
        return DOWN
    return OK


def report():
    database = check_database()
    ages = heartbeat_ages(database)
    checks = {
        "database": database,
        "cache": check_cache(),
        "broker": check_broker(),
        "worker": heartbeat_state(ages.get("worker")),
        "beat": heartbeat_state(ages.get("beat")),
    }
    return checks, ages


def response(checks, **extra):
    healthy = DOWN not in checks.values()
    return JsonResponse(
        {"status": "ok" if healthy else "down", "checks": checks, **extra},
        status=200 if healthy else 503,
    )
