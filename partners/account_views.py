"""« Mon compte »: the second factor (enrolment, verification, recovery codes) and API tokens;
an organisation's service tokens for its administrators."""

import base64

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from . import second_factor, tokens
from .account_forms import CodeForm, TokenForm
from .auth_models import ApiToken
from .models import Organisation
from .roles import is_organisation_admin
from .signals import HAS_DEVICE_KEY


def _next_url(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@never_cache
def account(request):
    user = request.user
    return render(
        request,
        "account/index.html",
        {
            "has_device": second_factor.has_device(user),
            "required": second_factor.is_required(user),
            "verified": user.is_verified(),
            "token_count": ApiToken.objects.visible_to(user)
            .usable()
            .filter(kind=ApiToken.Kind.PERSONAL)
            .count(),
        },
    )


@never_cache
def second_factor_setup(request):
    """Enrolment: a QR code (inline SVG) and the secret, then a first code confirms the device;
    the recovery codes are shown once."""
    user = request.user
    if second_factor.has_device(user) and not user.is_verified():
        return redirect("second_factor_verify")
    device = second_factor.pending_totp(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed, codes = second_factor.confirm_enrolment(user, form.cleaned_data["code"])
        if confirmed is None:
            form.add_error("code", _("Code incorrect. Vérifiez l'heure de votre téléphone."))
        else:
            otp_login(request, confirmed)
            request.session[HAS_DEVICE_KEY] = True
            return render(
                request,
                "account/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
    return render(
        request,
        "account/second_factor_setup.html",
        {
            "form": form,
            # The SVG is drawn here by qrcode from the device key: no text from anyone in it.
            "qr_svg": mark_safe(second_factor.qr_svg(device)),  # noqa: S308  # nosec B308 B703
            "secret": _base32(device),
            "next": _next_url(request, ""),
        },
    )


def _base32(device):
    return base64.b32encode(device.bin_key).decode()


@never_cache
def second_factor_verify(request):
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not second_factor.has_device(user):
        return redirect("second_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor.verify(user, form.cleaned_data["code"])
        if device is None:
            form.add_error(
                "code",
                _("Code incorrect ou trop d'essais. Attendez quelques secondes et recommencez."),
            )
        else:
            request.session.cycle_key()
            otp_login(request, device)
            return redirect(_next_url(request))
    return render(
        request, "account/second_factor_verify.html", {"form": form, "next": _next_url(request, "")}
    )


@require_POST
def recovery_codes(request):
    codes = second_factor.new_recovery_codes(request.user)
    return render(request, "account/recovery_codes.html", {"codes": codes, "next": "account"})


def _shown_once(request, key):
    return render(request, "account/token_created.html", {"key": key}, status=201)


@never_cache
def token_list(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, key = tokens.create_personal(request.user, name=form.cleaned_data["name"])
        return _shown_once(request, key)
    personal = ApiToken.objects.visible_to(request.user).filter(kind=ApiToken.Kind.PERSONAL)
    return render(
        request,
        "account/tokens.html",
        {"form": form, "tokens": personal, "days": settings.API_TOKEN_DAYS},
    )


@require_POST
def token_revoke(request, token_pk):
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=token_pk)
    tokens.revoke(request.user, token)
    messages.success(request, _("Le jeton a été révoqué."))
    if token.kind == ApiToken.Kind.SERVICE:
        return redirect("service_tokens", pk=token.organisation_id)
    return redirect("token_list")


@never_cache
def service_tokens(request, pk):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
    if not is_organisation_admin(request.user, organisation) or request.user.is_superuser:
        # Platform admins do not act for an organisation's information system.
        raise Http404
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, key = tokens.create_service(
            request.user, organisation, name=form.cleaned_data["name"]
        )
        return _shown_once(request, key)
    service = ApiToken.objects.visible_to(request.user).filter(
        kind=ApiToken.Kind.SERVICE, organisation=organisation
    )
    return render(
        request,
        "account/service_tokens.html",
        {"form": form, "tokens": service, "organisation": organisation},
    )
