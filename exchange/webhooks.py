"""Webhooks, one function per change (HOUSE.md): ``register``, ``change``, ``remove``; the events
(``referral_event``, ``message_posted``, called in the transaction of the change that causes them)
queue one delivery per subscribed endpoint through the outbox; ``deliver`` (the task's body)
signs and posts it; ``WEBHOOK_MAX_FAILURES`` failed attempts in a row disable the endpoint and
tell the organisation's administrators by e-mail.

Signature (docs/api.md): ``X-Passerelle-Timestamp: <unix seconds>`` and
``X-Passerelle-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>``. The receiver
recomputes it and refuses a timestamp older than five minutes (replay).
"""

import hashlib
import hmac
import json
import secrets
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from effects import outbox
from effects.models import Effect
from effects.outbox import enqueue
from partners import audit
from partners.models import Membership
from referrals.models import Status

from . import addresses
from .models import Event, WebhookDelivery, WebhookEndpoint

SIGNATURE_HEADER = "X-Passerelle-Signature"
TIMESTAMP_HEADER = "X-Passerelle-Timestamp"
USER_AGENT = "Passerelle-Webhooks/1"
ANSWERED = (Status.ACCEPTED, Status.REFUSED, Status.REDIRECTED)


class DeliveryFailed(Exception):
    """The endpoint did not answer 2xx (the outbox tries again later)."""


def max_failures():
    return getattr(settings, "WEBHOOK_MAX_FAILURES", 10)


def sign(secret, timestamp, body):
    """The signature header's value for ``body`` (bytes) sent at ``timestamp`` (int)."""
    message = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _may_manage(actor, organisation_id):
    membership = getattr(actor, "active_membership", None)
    return bool(
        membership
        and membership.organisation_id == organisation_id
        and (membership.is_admin or actor.is_service)
    )


def _clean(url, events):
    errors = {}
    try:
        addresses.check(url)
    except addresses.AddressRefused as refused:
        errors["url"] = str(refused)
    if not events or any(event not in Event.values for event in events):
        errors["events"] = _("Choisissez au moins un événement parmi ceux proposés.")
    if errors:
        raise ValidationError(errors)
    return sorted(set(events))


def register(actor, *, url, events, channel="web"):
    """A new endpoint of the actor's organisation: returns ``(endpoint, secret)``; the secret is
    shown once (it stays stored: deliveries are signed with it)."""
    membership = actor.active_membership
    if not _may_manage(actor, getattr(membership, "organisation_id", None)):
        raise PermissionError
    events = _clean(url, events)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            organisation_id=membership.organisation_id,
            url=url,
            events=events,
            secret=secrets.token_hex(32),
            created_by=actor,
        )
        audit.record(actor, audit.Action.CREATE, "webhook", endpoint.pk, channel=channel)
    return endpoint, endpoint.secret


def change(actor, endpoint, *, url=None, events=None, is_active=None, channel="web"):
    """New address or events, or (re-)enabled/disabled. Re-enabling clears the failure count."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if not _may_manage(actor, endpoint.organisation_id):
            raise PermissionError
        new_url = endpoint.url if url is None else url
        new_events = endpoint.events if events is None else events
        if url is not None or events is not None or is_active:
            # Disabling alone checks nothing: an endpoint whose host is gone may still be disabled.
            endpoint.events = _clean(new_url, new_events)
        endpoint.url = new_url
        if is_active is not None and is_active != endpoint.is_active:
            endpoint.is_active = is_active
            endpoint.consecutive_failures = 0
            endpoint.disabled_at = None if is_active else timezone.now()
        endpoint.save()
        audit.record(actor, audit.Action.UPDATE, "webhook", endpoint.pk, channel=channel)
    return endpoint


def remove(actor, endpoint, *, channel="web"):
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if not _may_manage(actor, endpoint.organisation_id):
            raise PermissionError
        audit.record(
            actor, audit.Action.UPDATE, "webhook", endpoint.pk, channel=channel, detail="removed"
        )
        endpoint.delete()


# --- Events ----------------------------------------------------------------------------------


def _queue(event, organisation_ids, data):
    """One delivery per active endpoint of these organisations subscribed to ``event``."""
    if outbox.is_muted():
        return
    now = timezone.now()
    endpoints = WebhookEndpoint.objects.filter(organisation_id__in=organisation_ids, is_active=True)
    for endpoint in endpoints:
        if event not in endpoint.events:
            continue
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event=event,
            payload={"event": event, "created_at": now.isoformat(), "data": data},
        )
        from . import tasks

        enqueue(tasks.deliver_webhook, [delivery.pk], key=f"webhook-{delivery.pk}")


def _referral_data(referral):
    return {
        "referral": referral.pk,
        "status": referral.status,
        "from_organisation": referral.from_organisation_id,
        "to_organisation": referral.to_organisation_id,
        "outcome": referral.outcome or None,
    }


def referral_event(event):
    """A referral's transition (a new ``ReferralEvent``): sent → its receiver; answered or closed
    → both organisations."""
    if event.kind != event.Kind.TRANSITION:
        return
    referral = event.referral
    data = _referral_data(referral) | {"status": event.to_status}
    if not event.from_status and event.to_status == Status.PENDING:
        _queue(Event.REFERRAL_SENT, [referral.to_organisation_id], data)
    elif event.to_status in ANSWERED:
        _queue(
            Event.REFERRAL_ANSWERED,
            [referral.from_organisation_id, referral.to_organisation_id],
            data,
        )
    elif event.to_status == Status.CLOSED:
        _queue(
            Event.REFERRAL_CLOSED,
            [referral.from_organisation_id, referral.to_organisation_id],
            data,
        )


def message_posted(message):
    """A new message: the organisation that did not write it."""
    referral = message.referral
    parties = {referral.from_organisation_id, referral.to_organisation_id}
    data = {
        "referral": referral.pk,
        "message": message.pk,
        "from_organisation": message.organisation_id,
    }
    _queue(Event.MESSAGE_RECEIVED, sorted(parties - {message.organisation_id}), data)


# --- Delivery (the task's body) --------------------------------------------------------------


def deliver(delivery_id):
    """Signs and posts one delivery. Raises DeliveryFailed on anything but 2xx (the outbox tries
    again with backoff); an endpoint disabled or removed meanwhile abandons it."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status == WebhookDelivery.Status.DELIVERED:
        return None
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.ABANDONED, updated_at=timezone.now()
        )
        return None
    body = json.dumps(
        {"id": delivery.pk, **delivery.payload}, separators=(",", ":"), sort_keys=True
    ).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Passerelle-Event": delivery.event,
        "X-Passerelle-Delivery": str(delivery.pk),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(endpoint.secret, timestamp, body),
    }
    code, error = None, ""
    try:
        code = addresses.post(endpoint.url, body, headers)
    except addresses.AddressRefused as refused:
        error = str(refused)
    except OSError as failure:  # refused, timed out, TLS
        error = type(failure).__name__
    if code is not None and 200 <= code < 300:
        _succeeded(delivery, code)
        return code
    _failed(delivery, code, error or f"HTTP {code}")
    raise DeliveryFailed(f"webhook delivery {delivery.pk}: {error or code}")


def _succeeded(delivery, code):
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.DELIVERED,
        attempts=F("attempts") + 1,
        last_status_code=code,
        last_error="",
        delivered_at=now,
        updated_at=now,
    )
    # Only when it had failed: a sync of the endpoints should not see every delivery.
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).exclude(consecutive_failures=0).update(
        consecutive_failures=0, updated_at=now
    )


def _last_try(delivery):
    """Is this the outbox's last try of the delivery (it then stops retrying)?"""
    attempts = (
        Effect.objects.filter(key=f"webhook-{delivery.pk}")
        .values_list("attempts", flat=True)
        .first()
    )
    return attempts is not None and attempts >= settings.EFFECT_MAX_ATTEMPTS


def _failed(delivery, code, error):
    last = _last_try(delivery)
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.ABANDONED if last else WebhookDelivery.Status.FAILED,
            attempts=F("attempts") + 1,
            last_status_code=code,
            last_error=error[:300],
            updated_at=timezone.now(),
        )
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        endpoint.consecutive_failures += 1
        if endpoint.is_active and endpoint.consecutive_failures >= max_failures():
            _disable(endpoint)
        endpoint.save(
            update_fields=["consecutive_failures", "is_active", "disabled_at", "updated_at"]
        )


def _disable(endpoint):
    """Too many failures: the endpoint stops, its pending deliveries are abandoned and the
    organisation's administrators are told (the outbox sends the e-mail after commit)."""
    now = timezone.now()
    endpoint.is_active = False
    endpoint.disabled_at = now
    WebhookDelivery.objects.filter(
        endpoint=endpoint,
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED],
    ).update(status=WebhookDelivery.Status.ABANDONED, updated_at=now)
    admins = Membership.objects.filter(
        organisation_id=endpoint.organisation_id, is_admin=True, is_active=True
    ).values_list("user_id", flat=True)
    from . import tasks

    for user_id in admins:
        enqueue(
            tasks.notify_endpoint_disabled,
            [endpoint.pk, user_id],
            key=f"webhook-{endpoint.pk}-disabled-{now.isoformat()}-{user_id}",
        )
