"""The transactional outbox.

``enqueue(task, args, key=...)`` writes an :class:`Effect` row in the caller's transaction and hands
it to the broker once the transaction commits. If the broker is down the request still succeeds:
the row stays ``pending`` and the relay (Celery beat, ``effects.tasks.relay``) hands it over again
once the broker is back.

Tasks built on :class:`EffectTask` (e-mails, imports) run once per effect: a delivery claims the
row (``pending``/``sent`` → ``running``), so a message delivered twice does nothing the second
time. A failure is retried with exponential backoff (SMTP down → sent later, once); after
``EFFECT_MAX_ATTEMPTS`` tries the effect is ``failed`` and listed in the admin. Other tasks (the
bilan, which claims its report itself and has its own relay) are done once the broker took them.

Why not django-celery-outbox: its relay is a separate long-running process that refuses SQLite
(SELECT … SKIP LOCKED), and it neither deduplicates by key nor records a task's own failures.
"""

import contextlib
import contextvars
import logging
import re
from datetime import timedelta

from celery import Task, current_app
from celery.exceptions import Ignore, Reject, Retry
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Effect

logger = logging.getLogger(__name__)
Status = Effect.Status
EMAIL = re.compile(r"[^\s<>@]+@[^\s<>@]+")
# The effect is claimed for the task's time limit plus this margin; after that the relay takes it
# back (its worker died).
RUNNING_MARGIN = timedelta(minutes=2)


_muted = contextvars.ContextVar("effects_muted", default=False)


@contextlib.contextmanager
def muted():
    """Within this block no effect is recorded (``enqueue`` returns None): for loading a story
    after the fact (the demo, benchmarks), whose e-mails and webhooks would be news to no one and
    must not be sent later by the relay either."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def is_muted():
    return _muted.get()


def enqueue(task, args=(), *, key):
    """Writes the effect ``task(*args)`` named ``key`` in the current transaction; dispatches it
    after commit. Enqueuing an existing key again does nothing. Returns the effect (None when
    :func:`muted`)."""
    if _muted.get():
        return None
    try:
        with transaction.atomic():
            effect, created = Effect.objects.get_or_create(
                key=key[:200], defaults={"task": task.name, "args": list(args)}
            )
    except IntegrityError:  # the same key enqueued at the same time by another transaction
        return Effect.objects.get(key=key[:200])
    if created:
        transaction.on_commit(lambda: dispatch(effect.pk))
    return effect


def dispatch(effect_id):
    """Hands a pending effect to the broker. False when the broker is unavailable (the relay will
    try again)."""
    effect = Effect.objects.filter(pk=effect_id, status=Status.PENDING).first()
    if effect is None:
        return False
    task = current_app.tasks[effect.task]
    tracked = isinstance(task, EffectTask)
    try:
        task.apply_async(effect.args, task_id=effect.task_id)
    except Exception:
        if current_app.conf.task_always_eager:
            raise
        logger.warning(
            "effect %s not dispatched: broker unavailable, the relay will retry", effect.pk
        )
        Effect.objects.filter(pk=effect.pk, status=Status.PENDING).update(due_at=timezone.now())
        return False
    now = timezone.now()
    if tracked:
        # Looked at again if no worker took it meanwhile (a broker restarted empty loses it).
        changes = {
            "status": Status.SENT,
            "due_at": now + timedelta(seconds=settings.EFFECT_RESEND_SECONDS),
        }
    else:
        changes = {"status": Status.DONE, "done_at": now}
    # Unless a worker (or the in-process mode) already ran it meanwhile.
    Effect.objects.filter(pk=effect.pk, status=Status.PENDING, attempts=effect.attempts).update(
        **changes
    )
    return True


def relay(now=None):
    """Hands over again what the broker never took (or lost), and the effects whose worker died.
    Returns the ids dispatched."""
    now = now or timezone.now()
    overdue = Q(status=Status.SENT, due_at__lte=now) | Q(status=Status.RUNNING, due_at__lte=now)
    taken_back = list(Effect.objects.filter(overdue).values_list("pk", flat=True))
    Effect.objects.filter(overdue, pk__in=taken_back).update(status=Status.PENDING, due_at=now)
    grace = now - timedelta(seconds=settings.EFFECT_RELAY_GRACE_SECONDS)
    waiting = Effect.objects.filter(status=Status.PENDING, due_at__lte=grace).order_by("due_at")
    ids = taken_back + list(waiting.values_list("pk", flat=True)[: settings.EFFECT_RELAY_BATCH])
    dispatched = [pk for pk in dict.fromkeys(ids) if dispatch(pk)]
    if ids:
        logger.info("effects relay: %s due, %s dispatched", len(ids), len(dispatched))
    return dispatched


def describe(error):
    """The exception for the admin list: class and message, e-mail addresses masked."""
    return EMAIL.sub("[e-mail]", f"{type(error).__name__}: {error}")[:500]


def _effect_id(task_id):
    if task_id and task_id.startswith("effect-") and task_id[7:].isdigit():
        return int(task_id[7:])
    return None


class EffectTask(Task):
    """Base of the tasks that must run once per effect, retried with backoff when they fail.
    ``forget_args``: the arguments (a secret link) are erased once the effect is done."""

    forget_args = False

    def __call__(self, *args, **kwargs):
        effect_id = _effect_id(self.request.id)
        if effect_id is None:  # called directly, not through enqueue
            return super().__call__(*args, **kwargs)
        now = timezone.now()
        running_for = timedelta(seconds=self.time_limit or settings.EFFECT_RUNNING_SECONDS)
        claimed = Effect.objects.filter(
            pk=effect_id, status__in=[Status.PENDING, Status.SENT]
        ).update(
            status=Status.RUNNING,
            attempts=F("attempts") + 1,
            due_at=now + running_for + RUNNING_MARGIN,
        )
        if not claimed:
            logger.info("effect %s already run or running: delivery ignored", effect_id)
            return None
        try:
            result = super().__call__(*args, **kwargs)
        except (Retry, Ignore, Reject):
            raise
        except Exception as error:
            self._failed(effect_id, args, error)
            return None
        done = {"status": Status.DONE, "done_at": timezone.now(), "last_error": ""}
        if self.forget_args:
            done["args"] = []
        Effect.objects.filter(pk=effect_id).update(**done)
        return result

    def _failed(self, effect_id, args, error):
        attempts = Effect.objects.values_list("attempts", flat=True).get(pk=effect_id)
        if attempts >= settings.EFFECT_MAX_ATTEMPTS:
            Effect.objects.filter(pk=effect_id).update(
                status=Status.FAILED, last_error=describe(error)
            )
            logger.error(
                "effect %s (%s) failed for good after %s tries", effect_id, self.name, attempts
            )
            return
        countdown = settings.EFFECT_RETRY_SECONDS * 2 ** (attempts - 1)
        logger.warning(
            "effect %s (%s) failed (try %s), next try in %ss",
            effect_id,
            self.name,
            attempts,
            countdown,
        )
        Effect.objects.filter(pk=effect_id).update(
            status=Status.PENDING,
            due_at=timezone.now() + timedelta(seconds=countdown),
            last_error=describe(error),
        )
        if self.request.is_eager:
            return  # no broker to come back: the relay (beat) will try again
        try:
            self.apply_async(args, task_id=self.request.id, countdown=countdown)
        except Exception:
            logger.warning("effect %s: retry not queued, the relay will retry", effect_id)
            return
        Effect.objects.filter(pk=effect_id, status=Status.PENDING).update(
            status=Status.SENT,
            due_at=timezone.now() + timedelta(seconds=countdown + settings.EFFECT_RESEND_SECONDS),
        )
