"""The per-account lockout counts one account however its address is written (issue 11)."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
WRONG = "not-the-password"


def variants(email):
    return [email.upper(), f" {email}", f"{email} ", email.capitalize()]


def page_login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def api_login(api_client, email, password):
    return api_client.post(TOKEN_URL, {"email": email, "password": password}, format="json")


def test_variants_of_a_locked_address_stay_locked_on_the_page(client, ofii):
    for _ in range(5):
        page_login(client, ofii.email, WRONG)
    for email in variants(ofii.email):
        response = page_login(client, email, PASSWORD)
        assert response.status_code == 429, email
        assert "_auth_user_id" not in client.session


def test_variants_of_a_locked_address_stay_locked_on_the_token_endpoint(api_client, ofii):
    for _ in range(5):
        api_login(api_client, ofii.email, WRONG)
    for email in variants(ofii.email):
        response = api_login(api_client, email, PASSWORD)
        assert response.status_code == 429, email
        assert "token" not in response.json()


def test_failures_written_differently_add_up_to_one_lock(client, api_client, ofii):
    for email in [*variants(ofii.email), ofii.email.upper()]:
        page_login(client, email, WRONG)
    assert page_login(client, ofii.email, PASSWORD).status_code == 429
    assert api_login(api_client, ofii.email, PASSWORD).status_code == 429
    assert AccessAttempt.objects.count() == 1  # one account, one counter


def test_a_successful_api_login_resets_the_failure_count(api_client, ofii):
    for _ in range(4):
        api_login(api_client, ofii.email, WRONG)
    assert api_login(api_client, ofii.email, PASSWORD).status_code == 200
    for _ in range(4):
        api_login(api_client, ofii.email, WRONG)
    # Eight failures in all, never five in a row: not locked.
    assert api_login(api_client, ofii.email, PASSWORD).status_code == 200
