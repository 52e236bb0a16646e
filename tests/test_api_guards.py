"""Bad input to the API answers a 4xx with a message, and a failing cache does not break the API."""

import json

import pytest

from config.api_guards import json_depth

pytestmark = pytest.mark.django_db


def test_deeply_nested_json_answers_400(api_as, ofii):
    body = "[" * 100_000 + "]" * 100_000
    response = api_as(ofii).post("/api/v1/referrals/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Le JSON envoyé est imbriqué trop profondément."


def test_json_with_a_nul_byte_answers_400(api_as, ofii):
    body = json.dumps({"reason": "a\x00b"})
    response = api_as(ofii).post("/api/v1/referrals/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "caractère nul" in response.json()["detail"]


def test_an_oversized_body_answers_413(api_as, ofii, settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = json.dumps({"note": "x" * 2000})
    response = api_as(ofii).post("/api/v1/referrals/", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["detail"] == "Le contenu envoyé est trop volumineux."


def test_a_nul_byte_in_a_filter_answers_400_on_pages_and_api(client, api_as, ofii):
    assert api_as(ofii).get("/api/v1/beneficiaries/?q=a%00b").status_code == 400
    client.force_login(ofii)
    response = client.get("/beneficiaires/?q=a%00b")
    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()


def test_the_api_answers_when_the_cache_is_down(api_as, ofii, settings):
    # A Redis nobody listens on: every cache call fails at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    response = api_as(ofii).get("/api/v1/offers/")
    assert response.status_code == 200


def test_json_depth_ignores_brackets_inside_strings():
    assert json_depth(b'{"a": "[[[[{{{{", "b": [1, [2]]}') == 3
    assert json_depth(b'"\\"[["') == 0


def test_no_browsable_api_and_no_format_suffix_in_production(api_as, ofii):
    api = api_as(ofii)
    assert api.get("/api/v1/referrals/?format=api").status_code == 404
    assert api.get("/api/v1/referrals/", HTTP_ACCEPT="text/html").status_code == 406
    # What a browser asks for: it gets JSON, with no HTML form listing anyone.
    browser = api.get("/api/v1/referrals/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert browser.status_code == 200
    assert browser["Content-Type"] == "application/json"
    assert api.get("/api/v1/referrals.json").status_code == 404
    assert api.post("/api/v1/referrals/1/accept.json", {}).status_code == 404
