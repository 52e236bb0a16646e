from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from effects.outbox import EffectTask


@shared_task(base=EffectTask, time_limit=60)
def deliver_webhook(delivery_id):
    """One webhook delivery; a failure is retried by the outbox with backoff."""
    from . import webhooks

    return webhooks.deliver(delivery_id)


@shared_task(base=EffectTask)
def notify_endpoint_disabled(endpoint_id, user_id):
    """Tells an organisation administrator that a webhook endpoint was disabled (no personal
    data: the endpoint's number and the page to re-enable it)."""
    from django.conf import settings

    from partners.models import User

    from .models import WebhookEndpoint

    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if endpoint is None or user is None:
        return
    context = {
        "endpoint": endpoint,
        "failures": endpoint.consecutive_failures,
        "link": settings.SITE_URL.rstrip("/") + reverse("exchange:webhooks"),
    }
    send_mail(
        subject=_("Passerelle : un point d'appel (webhook) a été désactivé"),
        message=render_to_string("exchange/endpoint_disabled_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
