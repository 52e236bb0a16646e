"""The second factor: required for platform admins and coordinators, offered to everyone, with
recovery codes; the admin is unreachable without it (issue 11)."""

import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import AuditEntry

from ..conftest import PASSWORD, totp_code, totp_device

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def a_few_seconds_later(user):
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=None)


def password_login(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_a_coordinator_without_a_device_must_enrol_before_any_page(client, prefecture):
    password_login(client, prefecture)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor_setup"))


def test_enrolment_shows_an_inline_svg_qr_code_and_no_script(client, prefecture):
    password_login(client, prefecture)
    page = client.get(reverse("second_factor_setup")).content.decode()
    assert "<svg" in page
    main = page.split('id="main"', 1)[-1]
    assert "<script" not in main.split("</main>")[0]
    assert re.search(r'data-testid="otp-secret">[A-Z2-7]{32}<', page)


def test_enrolment_with_a_right_code_gives_recovery_codes_and_access(client, prefecture):
    password_login(client, prefecture)
    client.get(reverse("second_factor_setup"))
    device = TOTPDevice.objects.get(user=prefecture, confirmed=False)
    wrong = client.post(reverse("second_factor_setup"), {"code": "000000"})
    assert "Code incorrect" in wrong.content.decode()
    a_few_seconds_later(prefecture)  # each failure makes the device wait (throttling)
    done = client.post(reverse("second_factor_setup"), {"code": totp_code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("home")).status_code == 200
    assert AuditEntry.objects.filter(action="second_factor", detail="enrolled").count() == 1


def test_a_person_with_a_device_verifies_a_code_after_the_password(client, prefecture):
    device = totp_device(prefecture)
    password_login(client, prefecture)
    session_before = client.session.session_key
    assert client.get(reverse("home"))["Location"].startswith(reverse("second_factor_verify"))
    refused = client.post(reverse("second_factor_verify"), {"code": "123456"})
    assert refused.status_code == 200
    assert "Code incorrect" in refused.content.decode()
    a_few_seconds_later(prefecture)
    accepted = client.post(reverse("second_factor_verify"), {"code": totp_code(device)})
    assert accepted.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert client.session.session_key != session_before  # a new session id once verified
    assert AuditEntry.objects.filter(action="second_factor", detail="failed").count() == 1
    assert AuditEntry.objects.filter(action="second_factor", detail="verified:totp").count() == 1


def test_a_recovery_code_works_once(client, prefecture):
    from partners import second_factor

    totp_device(prefecture)
    code = second_factor.new_recovery_codes(prefecture)[0]
    password_login(client, prefecture)
    assert client.post(reverse("second_factor_verify"), {"code": code}).status_code == 302
    client.post(reverse("logout"))
    password_login(client, prefecture)
    again = client.post(reverse("second_factor_verify"), {"code": code})
    assert again.status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_the_second_factor_is_offered_to_everyone_and_then_asked(client, mission_locale):
    password_login(client, mission_locale)
    assert client.get(reverse("home")).status_code == 200  # not required for a counsellor
    account = client.get(reverse("account")).content.decode()
    assert "Activer la double authentification" in account
    client.get(reverse("second_factor_setup"))
    device = TOTPDevice.objects.get(user=mission_locale)
    client.post(reverse("second_factor_setup"), {"code": totp_code(device)})
    client.post(reverse("logout"))
    password_login(client, mission_locale)
    assert client.get(reverse("home"))["Location"].startswith(reverse("second_factor_verify"))


def test_the_admin_is_unreachable_without_a_verified_second_factor(client, platform_admin):
    client.force_login(platform_admin, verified=False)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert not response["Location"].startswith("/admin/")
    client.force_login(platform_admin)  # with the second factor
    assert client.get("/admin/").status_code == 200


def test_the_admin_site_itself_refuses_an_unverified_staff_member(platform_admin):
    from django_otp.middleware import OTPMiddleware

    request = RequestFactory().get("/admin/")
    request.user = platform_admin
    request.session = {}
    OTPMiddleware(lambda r: None)(request)
    assert request.user.is_verified() is False
    assert admin.site.has_permission(request) is False


def test_the_token_endpoint_asks_the_code_of_people_with_a_second_factor(api_client, prefecture):
    credentials = {"email": prefecture.email, "password": PASSWORD}
    no_device = api_client.post(TOKEN_URL, credentials, format="json")
    assert no_device.status_code == 400
    assert "otp" in no_device.json()
    device = totp_device(prefecture)
    missing = api_client.post(TOKEN_URL, credentials, format="json")
    assert missing.status_code == 400
    assert set(missing.json()) == {"otp"}
    good = api_client.post(TOKEN_URL, {**credentials, "otp": totp_code(device)}, format="json")
    assert good.status_code == 200
    assert good.json()["token"]
