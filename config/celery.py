import logging
import os
import threading
import time

from celery import Celery
from celery.beat import PersistentScheduler
from celery.signals import worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

logger = logging.getLogger(__name__)

app = Celery("passerelle")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# /health/ reports the worker and beat heartbeats apart: each process records its own.
HEARTBEAT_SECONDS = 30


def record_heartbeat(name):
    from django.db import DatabaseError, close_old_connections, connection

    from partners.tasks import heartbeat

    try:
        if not connection.in_atomic_block:
            close_old_connections()
        heartbeat(name)
    except DatabaseError:
        logger.warning("%s heartbeat not recorded: database unavailable", name)


class HeartbeatScheduler(PersistentScheduler):
    """Celery beat's scheduler, recording the ``beat`` heartbeat at most every 30 seconds."""

    _last_heartbeat = 0.0

    def tick(self, *args, **kwargs):
        now = time.monotonic()
        if now - self._last_heartbeat >= HEARTBEAT_SECONDS:
            self._last_heartbeat = now
            record_heartbeat("beat")
        return min(super().tick(*args, **kwargs), HEARTBEAT_SECONDS)


_stop = threading.Event()


@worker_ready.connect
def start_worker_heartbeat(**kwargs):
    """A worker records the ``worker`` heartbeat every 30 seconds from a thread of its own, and
    hands over at once what the outbox holds (effects queued while the broker was down)."""

    def beat():
        from effects.outbox import relay

        try:
            relay()
        except Exception:
            logger.exception("outbox relay at worker start failed")
        while not _stop.is_set():
            record_heartbeat("worker")
            _stop.wait(HEARTBEAT_SECONDS)

    threading.Thread(target=beat, name="heartbeat", daemon=True).start()


@worker_shutdown.connect
def stop_worker_heartbeat(**kwargs):
    _stop.set()
