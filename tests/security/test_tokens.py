"""API tokens: hashed, shown once, expiring, revoked by password change or reset, deactivation,
their owner; service tokens for an organisation's information system (issue 11)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partners import actions, tokens
from partners.models import ApiToken, AuditEntry

from ..conftest import PASSWORD
from ..factories import member_of

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
PROBE = "/api/v1/organisations/"


def obtain(api_client, user):
    response = api_client.post(
        TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def probe(api_client, key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api_client.get(PROBE).status_code


def test_the_token_is_stored_hashed_and_works(api_client, ofii):
    key = obtain(api_client, ofii)
    token = ApiToken.objects.get(user=ofii)
    stored = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert key not in stored
    assert token.digest == tokens.digest(key)
    assert probe(api_client, key) == 200


def test_each_request_gives_a_new_token_with_the_configured_expiry(api_client, ofii, settings):
    settings.API_TOKEN_DAYS = 30
    first, second = obtain(api_client, ofii), obtain(api_client, ofii)
    assert first != second
    token = ApiToken.objects.get(digest=tokens.digest(second))
    assert token.expires_at - token.created_at == timedelta(days=30)


def test_an_expired_token_is_refused(api_client, ofii):
    key = obtain(api_client, ofii)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert probe(api_client, key) == 401


def test_a_wrong_key_is_refused(api_client, ofii):
    obtain(api_client, ofii)
    assert probe(api_client, "not-a-token") == 401


def test_a_password_reset_revokes_the_tokens(
    client, api_client, ofii, django_capture_on_commit_callbacks
):
    key = obtain(api_client, ofii)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": ofii.email})
    link = re.search(r"https?://[^/]+(/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = "un-tout-nouveau-secret-tres-long"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert probe(api_client, key) == 401
    assert ApiToken.objects.get(user=ofii).revoked_reason == "password"


def test_a_password_change_revokes_the_tokens(api_client, ofii):
    key = obtain(api_client, ofii)
    ofii.set_password("un-autre-secret-tres-long")
    ofii.save()
    assert probe(api_client, key) == 401


def test_a_deactivation_revokes_the_tokens(api_client, ofii, orgs):
    colleague = member_of(orgs["ofii"])
    key = obtain(api_client, colleague)
    actions.deactivate(ofii, colleague.memberships.get())
    assert probe(api_client, key) == 401
    assert ApiToken.objects.get(user=colleague).revoked_reason == "deactivated"


def test_a_member_lists_and_revokes_their_tokens_through_the_api(api_client, ofii, france_travail):
    key = obtain(api_client, ofii)
    other_key = obtain(api_client, ofii)
    foreign = tokens.create_personal(france_travail)[0]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    listed = api_client.get("/api/v1/auth/tokens/").json()["results"]
    assert len(listed) == 2
    assert key not in str(listed) and "digest" not in listed[0]
    other = ApiToken.objects.get(digest=tokens.digest(other_key))
    assert api_client.delete(f"/api/v1/auth/tokens/{foreign.pk}/").status_code == 404
    assert api_client.delete(f"/api/v1/auth/tokens/{other.pk}/").status_code == 204
    assert probe(api_client, other_key) == 401
    assert probe(api_client, key) == 200
    assert AuditEntry.objects.filter(action="token_revoke", actor=ofii).count() == 1


def test_a_member_creates_sees_once_and_revokes_a_token_on_their_page(client, api_client, ofii):
    client.force_login(ofii)
    created = client.post(reverse("token_list"), {"name": "Logiciel de suivi"})
    assert created.status_code == 201
    key = re.search(r'data-testid="token-key">([^<]+)<', created.content.decode()).group(1)
    assert probe(api_client, key) == 200
    page = client.get(reverse("token_list")).content.decode()
    assert "Logiciel de suivi" in page
    assert key not in page
    token = ApiToken.objects.get(user=ofii)
    assert client.post(reverse("token_revoke", args=[token.pk])).status_code == 302
    assert probe(api_client, key) == 401


def test_a_member_cannot_revoke_someone_elses_token(client, ofii, france_travail):
    token = tokens.create_personal(france_travail)[0]
    client.force_login(ofii)
    assert client.post(reverse("token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_organisation_admin_creates_a_service_token_scoped_to_the_organisation(
    client, api_client, ofii, orgs
):
    client.force_login(ofii)  # admin of OFII Paris
    created = client.post(
        reverse("service_tokens", args=[orgs["ofii"].pk]), {"name": "SI de la direction"}
    )
    assert created.status_code == 201
    key = re.search(r'data-testid="token-key">([^<]+)<', created.content.decode()).group(1)
    token = ApiToken.objects.get(kind="service")
    assert token.organisation == orgs["ofii"]
    assert token.user.is_service and token.user.organisation == orgs["ofii"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    departments = {row["department"] for row in api_client.get(PROBE).json()["results"]}
    assert departments == {"75"}
    # Listed (without the key) for the organisation's admins, revocable, expiring.
    page = client.get(reverse("service_tokens", args=[orgs["ofii"].pk])).content.decode()
    assert "SI de la direction" in page and key not in page
    client.post(reverse("token_revoke", args=[token.pk]))
    assert probe(api_client, key) == 401


def test_a_member_who_is_not_admin_cannot_create_a_service_token(client, orgs, ofii):
    member = member_of(orgs["ofii"])
    client.force_login(member)
    url = reverse("service_tokens", args=[orgs["ofii"].pk])
    assert client.post(url, {"name": "SI"}).status_code == 404
    assert not ApiToken.objects.exists()


def test_an_admin_of_another_organisation_cannot_reach_its_service_tokens(client, orgs, ofii):
    client.force_login(ofii)
    url = reverse("service_tokens", args=[orgs["france_travail"].pk])
    assert client.get(url).status_code == 404


def test_a_service_account_cannot_obtain_a_token_with_a_password(api_client, ofii, orgs):
    user = tokens.service_account(orgs["ofii"])
    response = api_client.post(TOKEN_URL, {"email": user.email, "password": ""}, format="json")
    assert response.status_code == 400


def test_the_admin_never_shows_a_token(client, platform_admin, ofii):
    token, key = tokens.create_personal(ofii)
    client.force_login(platform_admin)
    listing = client.get(reverse("admin:partners_apitoken_changelist"))
    detail = client.get(reverse("admin:partners_apitoken_change", args=[token.pk]))
    assert listing.status_code == detail.status_code == 200
    for response in (listing, detail):
        assert key not in response.content.decode()
        assert token.digest not in response.content.decode()


def test_token_creation_and_use_are_audited(api_client, ofii):
    obtain(api_client, ofii)
    assert AuditEntry.objects.filter(action="token_create", actor=ofii, channel="api").count() == 1
    assert AuditEntry.objects.filter(action="login", actor=ofii, channel="api").count() == 1
