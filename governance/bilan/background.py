"""Long work outside the request when there is no worker (embedded mode: no Redis).

With Redis, tasks go to the Celery workers. Without it (``CELERY_TASK_ALWAYS_EAGER``), Celery
would run them inside the request that queued them: the browser would wait for the whole PDF
and never see the progress. Here they go instead to one thread of the web process, in order,
after the transaction commits, so that "Demander la génération" answers at once and the progress
page advances as it does with a worker. The task itself is the same (claim, advance, complete).

``settings.BILAN_EMBEDDED_THREAD = False`` (the tests but one) runs them in the request again.
A process that stops loses the queued work; ``requeue_stale_bilans`` (or a new request) takes
it up, as when a worker dies. A task that asks for another try (a transient database error:
SQLite answers "database is locked" while a page reads the same table) gets it here, after a
short pause, as a worker would give it after its backoff.
"""

import logging
import queue
import threading
import time

from celery.exceptions import Retry
from django.conf import settings
from django.db import close_old_connections, connections, transaction

from effects.outbox import enqueue

logger = logging.getLogger(__name__)

_jobs = queue.Queue()
_thread = None
_lock = threading.Lock()
# Pause before another try, in seconds, doubled at each try (the workers wait 30 s, 60 s, ...;
# here the person is watching the progress page).
RETRY_PAUSE = 0.5


def embedded():
    """True when tasks would run inside the request (no broker) and the thread is wanted."""
    from celery import current_app

    return bool(current_app.conf.task_always_eager) and getattr(
        settings, "BILAN_EMBEDDED_THREAD", True
    )


def _work():
    while True:
        task, args = _jobs.get()
        try:
            _apply(task, args)
        finally:
            connections.close_all()
            _jobs.task_done()


def _apply(task, args):
    """Runs the task, and again when it asks for another try (its own limit still applies)."""
    retries = 0
    while True:
        close_old_connections()
        try:
            task.apply(args=args, retries=retries, throw=True)
            return
        except Retry:
            retries += 1
            logger.warning("background task %s: try %s after a transient error", task.name, retries)
            connections.close_all()
            time.sleep(RETRY_PAUSE * 2 ** (retries - 1))
        except Exception:
            logger.exception("background task %s failed", task.name)
            return


def submit(task, *args):
    """Runs ``task(*args)`` in the background thread (started on first use)."""
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_work, name="passerelle-background", daemon=True)
            _thread.start()
    _jobs.put((task, args))


def wait_idle():
    """Blocks until every submitted task has run (tests and shutdown)."""
    _jobs.join()


def queue_after_commit(task, *args, key):
    """Queues ``task(*args)`` once the transaction commits: through the outbox to the workers
    (written in this transaction, so a broker that is down loses nothing), or, in embedded mode,
    to the background thread."""
    if embedded():
        transaction.on_commit(lambda: submit(task, *args))
    else:
        enqueue(task, list(args), key=key)
