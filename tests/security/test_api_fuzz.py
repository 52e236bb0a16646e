"""schemathesis against the OpenAPI schema, as two personas (CI: bounded to a few examples).

Every operation of the schema is called with generated data (valid and invalid), through the WSGI
application, with an auditor's token and with a receiving counsellor's: no answer is a 5xx, and
every documented answer matches its schema (``response_schema_conformance``): where the schema
lies, the drf-spectacular annotations are fixed, not the test.
"""

import json
import os

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from partners import tokens
from tests.factories import BeneficiaryFactory, InterviewFactory, ReferralFactory
from tests.referrals.factories import document_on

pytestmark = pytest.mark.django_db

# Per operation and persona: the whole run stays under a minute (FUZZ_EXAMPLES=200 digs deeper).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))


def read_and_closed(application):
    """schemathesis' WSGI client reads an answer but never closes it: a file served (a referral's
    document) would stay open. The answer is read, then closed, here."""

    def app(environ, start_response):
        answer = application(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            answer.close()

    return app


def load_schema():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(raw, cls=DjangoJSONEncoder)))
    loaded.app = read_and_closed(get_wsgi_application())
    return loaded


OPERATIONS = [result.ok() for result in load_schema().get_all_operations()]


@pytest.fixture(autouse=True)
def _wsgi_host(settings):
    """schemathesis' WSGI client calls the application as ``localhost``."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the WSGI handler must not close the test's connection at
    the end of each request (PostgreSQL: the test's transaction lives on it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def headers_of(user, orgs, ofii):
    """A file and a referral of Paris in the scope of both personas; ``user``'s token."""
    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    InterviewFactory(beneficiary=person)
    ReferralFactory(beneficiary=person, to_organisation=orgs["mission_locale"], sender=ofii)
    _token, key = tokens.create_personal(user)
    return {"Authorization": f"Token {key}"}


@pytest.fixture
def auditor(orgs, ofii):
    return headers_of(ofii, orgs, ofii)


@pytest.fixture
def counsellor(orgs, ofii, mission_locale):
    return headers_of(mission_locale, orgs, ofii)


BOUNDED = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def fuzz(operation, headers):
    @BOUNDED
    @given(case=operation.as_strategy())
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_the_api_as_an_auditor(operation, auditor):
    fuzz(operation, auditor)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_the_api_as_a_receiving_counsellor(operation, counsellor):
    fuzz(operation, counsellor)


def record_ids(path, person, referral, document):
    """The path parameters of a GET operation on records in the auditor's scope, or None."""
    if path.startswith("/api/v1/beneficiaries/{id}/"):
        return {"id": person.pk}
    if path.startswith("/api/v1/referrals/{id}/"):
        return {"id": referral.pk, "document_pk": document.pk}
    return None


def test_documented_answers_on_records_in_scope(orgs, ofii, settings, tmp_path):
    """Random ids seldom hit a record: each GET on a file and a referral in scope (with a message
    and a document on its thread) answers 200 as its schema says."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    InterviewFactory(beneficiary=person)
    referral = ReferralFactory(
        beneficiary=person, to_organisation=orgs["mission_locale"], sender=ofii
    )
    document = document_on(referral, ofii)
    _token, key = tokens.create_personal(ofii)
    called = []
    for operation in OPERATIONS:
        ids = record_ids(operation.path, person, referral, document)
        if operation.method != "get" or ids is None:
            continue
        parameters = {name: value for name, value in ids.items() if f"{{{name}}}" in operation.path}
        case = operation.Case(path_parameters=parameters)
        response = case.call(headers={"Authorization": f"Token {key}"})
        assert response.status_code == 200, f"{operation.label}: {response.status_code}"
        case.validate_response(response, checks=CHECKS)
        called.append(operation.label)
    print(f"{len(called)} operations on records in scope")
    assert "GET /api/v1/referrals/{id}/documents/" in called, called


def test_a_document_in_its_own_type(orgs, ofii, settings, tmp_path, api_as):
    """A client asking for the documented type (``Accept: application/pdf``) gets the file, and
    a missing document the same 404 as ever, in JSON."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    referral = ReferralFactory(
        beneficiary=BeneficiaryFactory(ofii_organisation=orgs["ofii"]),
        to_organisation=orgs["mission_locale"],
        sender=ofii,
    )
    document = document_on(referral, ofii)
    client = api_as(ofii)
    url = f"/api/v1/referrals/{referral.pk}/documents/{{}}/download/"
    response = client.get(url.format(document.pk), HTTP_ACCEPT="application/pdf")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response = client.get(url.format(document.pk + 1), HTTP_ACCEPT="application/pdf")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert "detail" in response.json()


def test_an_organisation_id_too_large_is_a_field_error(ofii, api_as, client):
    """Found by the fuzz: ``?organisation=`` past the database's integers answered 500."""
    too_large = str(10**30)
    response = api_as(ofii).get("/api/v1/offers/", {"organisation": too_large})
    assert response.status_code == 400
    assert list(response.json()) == ["organisation"]
    client.force_login(ofii)
    assert client.get("/offres/", {"organisation": too_large}).status_code == 200
