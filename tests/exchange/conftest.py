"""A partner's information system for the tests: a local HTTP server that records what it is
sent and answers the statuses it is told to, and the settings that let webhooks reach it (http
and loopback: allowed in the tests only, never in config/settings.py)."""

import http.server
import threading

import pytest

from partners import tokens


class Receiver:
    """What the local server received; ``statuses``: the answers to give, in order (the last
    one repeats)."""

    def __init__(self):
        self.requests = []
        self.statuses = [200]
        self.lock = threading.Lock()

    def next_status(self):
        with self.lock:
            return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_INSECURE_TEST_HOSTS = True
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = state.next_status()
            state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/passerelle/hooks"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def france_travail_admin(orgs):
    from tests.factories import member_of

    return member_of(orgs["france_travail"], is_admin=True)


@pytest.fixture
def service_client(orgs, france_travail_admin):
    """The DRF client of France Travail's information system, with a service token."""
    from rest_framework.test import APIClient

    _token, key = tokens.create_service(
        france_travail_admin, orgs["france_travail"], name="SI France Travail"
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def person(orgs):
    """A file of OFII Paris, informed of the sharing (it may be referred)."""
    from tests.factories import BeneficiaryFactory

    return BeneficiaryFactory(
        ofii_organisation=orgs["ofii"], last_name="Traoré", first_name="Fatoumata"
    )
