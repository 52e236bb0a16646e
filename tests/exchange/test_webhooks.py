"""Webhooks: delivered through the outbox and retried until the endpoint recovers; disabled
after repeated failures with its administrators told; only public HTTPS addresses accepted, at
registration and again at delivery (DNS rebinding); managed by the organisation's admins."""

import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from effects import outbox
from effects.models import Effect
from exchange import addresses, webhooks
from exchange.models import WebhookDelivery, WebhookEndpoint
from referrals import actions
from tests.factories import member_of

pytestmark = pytest.mark.django_db


def endpoint_for(admin, url, events=("referral.sent",)):
    endpoint, _secret = webhooks.register(admin, url=url, events=list(events))
    return endpoint


def relay_later(django_capture_on_commit_callbacks):
    """The outbox's relay (beat), run as if its backoff had elapsed."""
    with django_capture_on_commit_callbacks(execute=True):
        return outbox.relay(now=timezone.now() + timedelta(days=1))


def send(ofii, person, orgs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return actions.send(
            ofii, beneficiary=person, to_organisation=orgs["france_travail"], reason="Emploi"
        )


def test_an_endpoint_failing_three_times_gets_the_delivery_once_it_recovers(
    receiver, france_travail_admin, ofii, person, orgs, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(france_travail_admin, receiver.url)
    receiver.statuses = [500, 500, 500, 200]
    referral = send(ofii, person, orgs, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == WebhookDelivery.Status.FAILED
    for _attempt in range(3):
        relay_later(django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert [r["headers"]["X-Passerelle-Delivery"] for r in receiver.requests] == [
        str(delivery.pk)
    ] * 4
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 4
    assert delivery.last_status_code == 200
    assert delivery.payload["data"]["referral"] == referral.pk
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert endpoint.consecutive_failures == 0
    assert Effect.objects.get(key=f"webhook-{delivery.pk}").status == Effect.Status.DONE
    # Nothing more to deliver.
    assert relay_later(django_capture_on_commit_callbacks) == []


def test_repeated_failures_disable_the_endpoint_and_tell_its_admins(
    receiver,
    france_travail_admin,
    ofii,
    person,
    orgs,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.WEBHOOK_MAX_FAILURES = 3
    endpoint = endpoint_for(france_travail_admin, receiver.url)
    receiver.statuses = [500]
    send(ofii, person, orgs, django_capture_on_commit_callbacks)
    relay_later(django_capture_on_commit_callbacks)
    relay_later(django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_at is not None
    assert len(receiver.requests) == settings.WEBHOOK_MAX_FAILURES
    assert WebhookDelivery.objects.get(endpoint=endpoint).status == "abandoned"
    told = [message for message in mail.outbox if "webhook" in message.subject]
    assert [message.to for message in told] == [[france_travail_admin.email]]
    assert person.last_name not in told[0].body
    assert reverse("exchange:webhooks") in told[0].body
    # Disabled: the next referral is not sent to it.
    with django_capture_on_commit_callbacks(execute=True):
        actions.send(
            ofii,
            beneficiary=person,
            to_organisation=orgs["mission_locale"],
            reason="Jeune",
        )
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.0.10/hooks",
        "https://172.16.5.4/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://[::ffff:10.0.0.1]/hooks",
        "https://100.64.0.1/hooks",
        "http://93.184.216.34/hooks",
        "https://user:secret@93.184.216.34/hooks",
    ],
)
def test_registration_refuses_plain_http_and_non_public_addresses(
    api_as, france_travail_admin, url
):
    response = api_as(france_travail_admin).post(
        reverse("webhook-list"), {"url": url, "events": ["referral.sent"]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["url"]
    assert not WebhookEndpoint.objects.exists()


def test_a_public_https_address_is_accepted_and_its_secret_shown_once(api_as, france_travail_admin):
    client = api_as(france_travail_admin)
    created = client.post(
        reverse("webhook-list"),
        {"url": "https://93.184.216.34/hooks", "events": ["message.received"]},
        format="json",
    )
    assert created.status_code == 201
    assert len(created.json()["secret"]) == 64
    listed = client.get(reverse("webhook-list")).json()["results"]
    assert [row["id"] for row in listed] == [created.json()["id"]]
    assert "secret" not in listed[0]


def test_delivery_checks_the_address_again(
    france_travail_admin, ofii, person, orgs, monkeypatch, django_capture_on_commit_callbacks
):
    """A name that resolved to a public address at registration and to a private one at
    delivery (DNS rebinding) is not connected to."""
    endpoint = endpoint_for(france_travail_admin, "https://hooks.example.org/in")
    connections = []
    monkeypatch.setattr(
        addresses.socket,
        "getaddrinfo",
        lambda *args, **kwargs: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 443))],
    )
    monkeypatch.setattr(
        addresses.socket, "create_connection", lambda *a, **k: connections.append(a)
    )
    send(ofii, person, orgs, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "réseau privé" in delivery.last_error
    assert connections == []


@pytest.fixture(autouse=True)
def _public_example_names(monkeypatch):
    """hooks.example.org resolves to a public address (no DNS in the tests)."""
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host == "hooks.example.org":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(addresses.socket, "getaddrinfo", fake)


def test_only_the_organisation_admins_and_its_system_manage_webhooks(
    api_as, orgs, france_travail, france_travail_admin
):
    assert api_as(france_travail).get(reverse("webhook-list")).status_code == 404
    endpoint = endpoint_for(france_travail_admin, "https://hooks.example.org/in")
    other_admin = member_of(orgs["mission_locale"], is_admin=True)
    client = api_as(other_admin)
    assert client.get(reverse("webhook-detail", args=[endpoint.pk])).status_code == 404
    assert client.delete(reverse("webhook-detail", args=[endpoint.pk])).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_the_page_registers_lists_and_refuses_in_french(client, france_travail_admin):
    client.force_login(france_travail_admin)
    assert reverse("exchange:webhooks") in client.get(reverse("account")).content.decode()
    refused = client.post(
        reverse("exchange:webhooks"), {"url": "https://10.0.0.1/in", "events": ["referral.sent"]}
    )
    assert refused.status_code == 400
    assert "réseau privé" in refused.content.decode()
    created = client.post(
        reverse("exchange:webhooks"),
        {"url": "https://hooks.example.org/in", "events": ["referral.sent", "referral.closed"]},
    )
    assert created.status_code == 201
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in created.content.decode()
    page = client.get(reverse("exchange:webhooks"))
    assert endpoint.url in page.content.decode()
    assert endpoint.secret not in page.content.decode()
    client.post(reverse("exchange:webhook_change", args=[endpoint.pk]), {"operation": "disable"})
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "désactivé" in client.get(reverse("exchange:webhooks")).content.decode()


def test_a_member_who_is_not_admin_has_no_webhook_page(client, france_travail):
    client.force_login(france_travail)
    assert client.get(reverse("exchange:webhooks")).status_code == 404


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    # Reference value computed independently: printf '1700000000.{}' | openssl sha256 -hmac k
    assert webhooks.sign("k", 1700000000, b"{}") == (
        "sha256=" + __import__("hmac").new(b"k", b"1700000000.{}", "sha256").hexdigest()
    )


def test_a_delivery_failing_at_the_outbox_last_try_is_abandoned(
    receiver, france_travail_admin, ofii, person, orgs, settings, django_capture_on_commit_callbacks
):
    settings.EFFECT_MAX_ATTEMPTS = 2
    endpoint = endpoint_for(france_travail_admin, receiver.url)
    receiver.statuses = [503]
    send(ofii, person, orgs, django_capture_on_commit_callbacks)
    relay_later(django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == WebhookDelivery.Status.ABANDONED
    assert delivery.last_status_code == 503
    assert len(receiver.requests) == settings.EFFECT_MAX_ATTEMPTS
    assert relay_later(django_capture_on_commit_callbacks) == []
