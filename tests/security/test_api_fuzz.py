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

pytestmark = pytest.mark.django_db

# Per operation and persona: the whole run stays under a minute (FUZZ_EXAMPLES=200 digs deeper).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))


def load_schema():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(raw, cls=DjangoJSONEncoder)))
    loaded.app = get_wsgi_application()
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
