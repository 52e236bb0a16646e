"""Logs carry a request id and a user id, and never a name, a query string or a database value."""

import io
import json
import logging

import pytest

from config.logs import RequestContextFilter, ScrubbingJsonFormatter, scrub

NAME = "Zéphyrine"


@pytest.fixture
def log_lines():
    """Every log line written during the test, formatted as in production (JSON, scrubbed)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(
        ScrubbingJsonFormatter("%(levelname)s %(name)s %(request_id)s %(user_id)s %(message)s")
    )
    root = logging.getLogger()
    server = logging.getLogger("django.server")  # runserver's request lines do not propagate
    previous_level = root.level
    root.addHandler(handler)
    server.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    server.removeHandler(handler)
    root.setLevel(previous_level)


@pytest.mark.django_db
def test_a_name_typed_in_a_search_never_reaches_the_logs(client, ofii, log_lines):
    from tests.factories import BeneficiaryFactory

    BeneficiaryFactory(last_name=NAME, ofii_organisation=ofii.active_membership.organisation)
    client.force_login(ofii)
    assert client.get("/beneficiaires/", {"q": NAME}).status_code == 200
    assert client.get("/beneficiaires/999999/", {"q": NAME}).status_code == 404
    # What runserver's request log (and any proxy line) writes, query string included:
    logging.getLogger("django.server").info('"GET /beneficiaires/?q=%s HTTP/1.1" 200 5120', NAME)
    lines = log_lines()
    assert lines, "the requests were logged"
    text = json.dumps(lines, ensure_ascii=False)
    assert NAME not in text
    assert "/beneficiaires/?[filtered]" in text
    not_found = [line for line in lines if line["message"].startswith("Not Found")]
    assert not_found[0]["user_id"] == ofii.pk
    assert len(not_found[0]["request_id"]) == 32  # a uuid4 hex per request


def test_database_errors_lose_their_values():
    detail = (
        'duplicate key value violates unique constraint "beneficiaries_beneficiary_ofii_number_key"\n'
        "DETAIL:  Key (ofii_number)=(75-2025-01234) already exists.\n"
        "DETAIL:  Failing row contains (12, Durand, Zéphyrine, 1990-01-01)."
    )
    scrubbed = scrub(detail)
    assert "75-2025-01234" not in scrubbed and "Durand" not in scrubbed
    assert "Key (ofii_number)=([filtered])" in scrubbed


def test_an_exception_traceback_is_scrubbed_too(log_lines):
    try:
        raise ValueError("Key (email)=(zephyrine.durand@example.test) already exists")
    except ValueError:
        logging.getLogger("passerelle.test").exception("insert failed")
    line = log_lines()[0]
    assert "zephyrine" not in json.dumps(line)
    assert "Key (email)=([filtered])" in line["exc_info"]


def test_gunicorn_access_log_names_the_path_without_the_query_string():
    from config import gunicorn

    assert "%(U)s" in gunicorn.access_log_format
    for with_query in ("%(r)s", "%(q)s", "%(u)s"):
        assert with_query not in gunicorn.access_log_format


def test_error_tracking_receives_no_personal_data():
    from config.logs import sentry_before_send

    event = {
        "request": {
            "url": f"https://passerelle.test/beneficiaires/?q={NAME}",
            "query_string": f"q={NAME}",
            "data": {"last_name": NAME},
            "cookies": {"sessionid": "secret"},
            "headers": {"Authorization": "Token secret"},
        },
        "exception": {"values": [{"value": "Key (ofii_number)=(75-2025-01234) already exists"}]},
        "user": {"email": "agent@example.test"},
    }
    cleaned = json.dumps(sentry_before_send(event, {}), ensure_ascii=False)
    for secret in (NAME, "75-2025-01234", "Token secret", "sessionid", "agent@example.test"):
        assert secret not in cleaned
