"""ProConnect login against a local fake provider (no network): state and nonce checked, accounts
matched on the subject, never on the e-mail alone, linked by an admin's invitation (issue 11)."""

import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from partners import actions
from partners.models import AuditEntry, Membership, ProConnectIdentity, User

pytestmark = pytest.mark.django_db

BASE = "https://proconnect.test/api/v2"
CLIENT_ID = "passerelle-test"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeResponse:
    def __init__(self, payload, content_type="application/json"):
        self.payload = payload
        self.status_code = 200
        self.headers = {"content-type": content_type}
        self.url = ""
        self.text = payload if isinstance(payload, str) else ""

    def json(self):
        return self.payload

    def raise_for_status(self):
        pass


class FakeProvider:
    """The token, userinfo and JWKS endpoints of an OpenID provider, in memory."""

    def __init__(self):
        self.sub = "sub-0001"
        self.nonce = None  # the nonce the provider puts in the id_token (None: the one asked)
        self.claims = {"email": "agent@administration.test", "given_name": "Camille"}
        self.asked_nonce = None

    def id_token(self):
        now = int(time.time())
        payload = {
            "iss": BASE,
            "aud": CLIENT_ID,
            "sub": self.sub,
            "iat": now,
            "exp": now + 60,
            "nonce": self.nonce or self.asked_nonce,
        }
        return jwt.encode(payload, KEY, algorithm="RS256", headers={"kid": "k1"})

    def post(self, url, data=None, **kwargs):
        assert url == f"{BASE}/token"
        assert data["client_id"] == CLIENT_ID and data["grant_type"] == "authorization_code"
        return FakeResponse({"id_token": self.id_token(), "access_token": "access"})

    def get(self, url, headers=None, **kwargs):
        if url == f"{BASE}/jwks":
            jwk = jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True)
            return FakeResponse({"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]})
        assert url == f"{BASE}/userinfo"
        assert headers["Authorization"] == "Bearer access"
        return FakeResponse({"sub": self.sub, **self.claims})


@pytest.fixture
def provider(settings, monkeypatch):
    settings.PROCONNECT_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{BASE}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{BASE}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{BASE}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{BASE}/jwks"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "partners.proconnect.ProConnectBackend",
    ]
    fake = FakeProvider()
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", fake.post)
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.get", fake.get)
    return fake


def start(client, provider):
    """The redirection to the provider; returns the state it carries."""
    response = client.get(reverse("proconnect_login"))
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{BASE}/authorize"
    query = parse_qs(location.query)
    provider.asked_nonce = query["nonce"][0]
    return query["state"][0]


def callback(client, state):
    return client.get(reverse("proconnect_callback"), {"code": "the-code", "state": state})


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_the_login_page_offers_proconnect_only_when_configured(client, settings):
    assert "S'identifier avec ProConnect" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("proconnect_login")).status_code == 404
    settings.PROCONNECT_ENABLED = True
    assert "S'identifier avec ProConnect" in client.get(reverse("login")).content.decode()


def test_a_linked_identity_signs_in(client, provider, ofii):
    ProConnectIdentity.objects.create(user=ofii, sub=provider.sub)
    response = callback(client, start(client, provider))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_as(client) == str(ofii.pk)
    assert AuditEntry.objects.filter(action="login", actor=ofii).count() == 1


def test_an_unlinked_subject_is_refused_even_with_a_known_email(client, provider, ofii):
    provider.claims["email"] = ofii.email  # the provider vouches for a Passerelle address
    response = callback(client, start(client, provider))
    assert response["Location"] == reverse("login")
    assert signed_in_as(client) is None
    assert AuditEntry.objects.filter(action="login_failed", detail="proconnect").count() == 1


def test_a_tampered_state_is_refused(client, provider, ofii):
    ProConnectIdentity.objects.create(user=ofii, sub=provider.sub)
    start(client, provider)
    response = callback(client, "forged-state")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_as(client) is None


def test_a_tampered_nonce_is_refused(client, provider, ofii):
    ProConnectIdentity.objects.create(user=ofii, sub=provider.sub)
    state = start(client, provider)
    provider.nonce = "another-nonce"
    response = callback(client, state)
    assert response["Location"] == reverse("login")
    assert signed_in_as(client) is None


def test_a_state_cannot_be_replayed(client, provider, ofii):
    ProConnectIdentity.objects.create(user=ofii, sub=provider.sub)
    state = start(client, provider)
    assert signed_in_as(client) is None
    callback(client, state)
    client.post(reverse("logout"))
    assert callback(client, state)["Location"] == reverse("login")
    assert signed_in_as(client) is None


def test_an_invitation_accepted_with_proconnect_links_the_identity(
    client, provider, ofii, orgs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.invite(ofii, orgs["ofii"], "nouvelle@ofii.test")
    token = client_token_from_mail()
    page = client.get(reverse("invitation_accept", args=[token]))
    assert "Accepter avec ProConnect" in page.content.decode()
    response = client.post(reverse("invitation_accept_proconnect", args=[token]))
    assert response["Location"] == reverse("proconnect_login")
    callback(client, start(client, provider))
    user = User.objects.get(email="nouvelle@ofii.test")
    assert signed_in_as(client) == str(user.pk)
    assert ProConnectIdentity.objects.get(sub=provider.sub).user == user
    assert Membership.objects.get(user=user).organisation == orgs["ofii"]
    assert not user.has_usable_password()
    # The link is used: it cannot link another identity.
    assert client.post(reverse("invitation_accept_proconnect", args=[token])).status_code == 404


def client_token_from_mail():
    import re

    from django.core import mail

    return re.search(r"/invitation/([^/\s]+)/", mail.outbox[-1].body).group(1)
