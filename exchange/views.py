"""The webhook page of an organisation's administrators: register an endpoint (its secret shown
once), see the deliveries and their status, disable, re-enable or remove it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import webhooks
from .forms import EndpointForm
from .models import WebhookDelivery, WebhookEndpoint

RECENT_DELIVERIES = 20


def _admin_membership(request):
    membership = request.user.active_membership
    if membership is None or not membership.is_admin or request.user.is_superuser:
        raise Http404
    return membership


@never_cache
def endpoints(request):
    membership = _admin_membership(request)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = webhooks.register(
                request.user, url=form.cleaned_data["url"], events=form.cleaned_data["events"]
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return render(
                request,
                "exchange/endpoint_created.html",
                {"endpoint": endpoint, "secret": secret},
                status=201,
            )
    rows = list(WebhookEndpoint.objects.visible_to(request.user).order_by("pk"))
    for endpoint in rows:
        endpoint.recent = list(
            WebhookDelivery.objects.visible_to(request.user)
            .filter(endpoint=endpoint)
            .order_by("-created_at", "-pk")[:RECENT_DELIVERIES]
        )
    return render(
        request,
        "exchange/webhooks.html",
        {"form": form, "endpoints": rows, "organisation": membership.organisation},
        status=400 if form.errors else 200,
    )


@require_POST
def webhook_change(request, pk):
    _admin_membership(request)
    endpoint = get_object_or_404(WebhookEndpoint.objects.visible_to(request.user), pk=pk)
    operation = request.POST.get("operation")
    if operation == "remove":
        webhooks.remove(request.user, endpoint)
        messages.success(request, _("Le point d'appel a été supprimé."))
    elif operation in ("enable", "disable"):
        try:
            webhooks.change(request.user, endpoint, is_active=operation == "enable")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Le point d'appel est réactivé.")
                if operation == "enable"
                else _("Le point d'appel est désactivé."),
            )
    else:
        messages.error(request, _("Action inconnue."))
    return redirect("exchange:webhooks")
