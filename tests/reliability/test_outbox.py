"""The outbox in-process (SQLite, tasks run eagerly): one row per key, a failed e-mail waits for
the relay and is sent once, a permanently failing one is listed for the platform admin."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from effects.models import Effect
from effects.outbox import enqueue, relay
from referrals.tasks import notify_new_referral

from ..factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A block whose on-commit callbacks run at its end, as after a real commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def referral(orgs):
    return ReferralFactory(to_organisation=orgs["mission_locale"])


def test_the_same_key_is_written_once_and_sent_once(referral, committed):
    with committed():
        enqueue(notify_new_referral, [referral.pk], key="k1")
        enqueue(notify_new_referral, [referral.pk], key="k1")
    assert Effect.objects.count() == 1
    assert Effect.objects.get().status == Effect.Status.DONE
    assert len(mail.outbox) == 1
    # Delivered again (the broker handing the message over twice): nothing more is sent.
    notify_new_referral.apply([referral.pk], task_id=Effect.objects.get().task_id)
    assert len(mail.outbox) == 1


def test_nothing_is_dispatched_when_the_transaction_rolls_back(referral, committed):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        enqueue(notify_new_referral, [referral.pk], key="k2")
        raise RuntimeError
    assert not Effect.objects.exists()
    assert mail.outbox == []


def fail_smtp(settings):
    settings.EMAIL_BACKEND = "tests.reliability.refusing_backend.RefusingBackend"


def test_a_failed_e_mail_waits_for_the_relay_and_is_sent_once(referral, settings, committed):
    fail_smtp(settings)
    with committed():
        effect = enqueue(notify_new_referral, [referral.pk], key="k3")
    waiting = Effect.objects.get(pk=effect.pk)
    assert waiting.status == Effect.Status.PENDING
    assert waiting.attempts == 1
    assert waiting.last_error.startswith("SMTPServerDisconnected")
    assert "@" not in waiting.last_error  # addresses masked
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert relay(now=timezone.now()) == []  # its next try is not due yet
    assert relay(now=waiting.due_at + timedelta(minutes=1)) == [effect.pk]
    assert Effect.objects.get(pk=effect.pk).status == Effect.Status.DONE
    assert len(mail.outbox) == 1


def test_a_permanently_failing_e_mail_is_listed_for_the_platform_admin(
    referral, settings, client, platform_admin, committed
):
    fail_smtp(settings)
    settings.EFFECT_MAX_ATTEMPTS = 2
    with committed():
        effect = enqueue(notify_new_referral, [referral.pk], key="k4")
    relay(now=Effect.objects.get(pk=effect.pk).due_at + timedelta(minutes=1))
    assert Effect.objects.get(pk=effect.pk).status == Effect.Status.FAILED
    client.force_login(platform_admin)
    page = client.get("/admin/effects/effect/", {"status__exact": "failed"}).content.decode()
    assert "k4" in page
    assert "SMTPServerDisconnected" in page
