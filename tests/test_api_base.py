import base64

import pytest

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def test_token_for_email_and_password(api_client, ofii):
    response = api_client.post(
        TOKEN_URL, {"email": ofii.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/").status_code == 200


def test_wrong_password_gives_no_token(api_client, ofii):
    response = api_client.post(TOKEN_URL, {"email": ofii.email, "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_token_request_with_missing_fields_lists_them(api_client):
    response = api_client.post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"email", "password"}


def test_token_endpoint_shares_the_login_lockout(api_client, ofii):
    for _ in range(5):
        api_client.post(TOKEN_URL, {"email": ofii.email, "password": "nope"}, format="json")
    response = api_client.post(
        TOKEN_URL, {"email": ofii.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code in (400, 429)
    assert "token" not in (
        response.json() if response["Content-Type"].startswith("application/json") else {}
    )


def test_no_anonymous_access(api_client, db):
    assert api_client.get("/api/v1/").status_code == 401
    assert api_client.get("/api/schema/").status_code == 401


def test_basic_auth_is_not_accepted(api_client, ofii):
    credentials = base64.b64encode(f"{ofii.email}:{PASSWORD}".encode()).decode()
    api_client.credentials(HTTP_AUTHORIZATION=f"Basic {credentials}")
    assert api_client.get("/api/v1/").status_code == 401


def test_deactivated_account_token_is_refused(api_as, ofii):
    client = api_as(ofii)
    ofii.is_active = False
    ofii.save()
    assert client.get("/api/v1/").status_code == 401


def test_schema_and_docs_for_authenticated_people(api_as, client, ofii):
    api = api_as(ofii)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/auth/token/" in schema.json()["paths"]
    client.force_login(ofii)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn.jsdelivr" not in docs.content  # served from our own static files


def test_api_is_throttled(settings):
    rest = settings.REST_FRAMEWORK
    assert rest["DEFAULT_THROTTLE_CLASSES"]
    assert rest["DEFAULT_THROTTLE_RATES"]["user"]
