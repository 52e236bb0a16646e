"""An organisation admin invites, promotes and deactivates a member, in a real browser; the
deactivated member's next request, page or API token, is refused."""

import re

import pytest
from django.core import mail

from partners.models import Membership, User
from tests.browser.conftest import login, logout, page_text
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "un-mot-de-passe-solide-42"
EMAIL = "recrue@example.test"


def test_admin_invites_promotes_and_deactivates_a_member(browser_page, ofii, orgs):
    admin_page = browser_page
    base = admin_page.base_url

    # The admin invites a person from the members page of their organisation.
    login(admin_page, ofii.email, PASSWORD)
    admin_page.get_by_role("link", name="Mon organisation").first.click()
    admin_page.get_by_role("link", name="Gérer les membres").click()
    admin_page.get_by_label("Adresse électronique professionnelle").fill(EMAIL)
    admin_page.get_by_role("button", name="Envoyer l'invitation").click()
    assert "L'invitation a été envoyée" in page_text(admin_page)
    assert EMAIL in admin_page.get_by_test_id("invitations").inner_text()

    # The e-mail holds only a link; the invited person opens it in their own browser.
    [message] = mail.outbox
    path = re.search(r"https?://[^/\s]+(/invitation/[\w-]+/)", message.body).group(1)
    member_context = admin_page.context.browser.new_context(locale="fr-FR")
    member_page = member_context.new_page()
    member_page.set_default_timeout(15000)
    member_page.base_url = base
    member_page.goto(base + path)
    member_page.get_by_label("Prénom").fill("Lina")
    member_page.get_by_label("Nom", exact=True).fill("Recrue")
    # The label of the password holds its hint too: reach the field by the label's target.
    member_page.locator("#id_password1").fill(NEW_PASSWORD)
    member_page.get_by_label("Confirmation du mot de passe").fill(NEW_PASSWORD)
    member_page.get_by_role("button", name="Créer mon accès").click()
    member_page.wait_for_load_state()
    assert "Votre compte est prêt" in page_text(member_page)
    login(member_page, EMAIL, NEW_PASSWORD)
    assert "Lina Recrue" in member_page.get_by_test_id("who").inner_text()
    token = member_page.request.post(
        base + "/api/v1/auth/token/", data={"email": EMAIL, "password": NEW_PASSWORD}
    ).json()["token"]
    api_headers = {"Authorization": f"Token {token}"}
    assert member_page.request.get(base + "/api/v1/offers/", headers=api_headers).ok

    # The admin sees the new member and promotes them.
    admin_page.reload()
    row = admin_page.get_by_test_id(f"member-{EMAIL}")
    row.get_by_role("button", name="Nommer administrateur").click()
    admin_page.wait_for_load_state()
    assert "Le membre est maintenant administrateur" in page_text(admin_page)
    row = admin_page.get_by_test_id(f"member-{EMAIL}")
    assert "administrateur" in row.inner_text().lower()
    assert Membership.objects.get(user__email=EMAIL, is_active=True).is_admin

    # Promoted, the member reaches the members page too.
    member_page.goto(base + admin_page.url.removeprefix(base))
    assert member_page.get_by_test_id("members").is_visible()

    # The admin deactivates them.
    row.get_by_role("button", name="Désactiver").click()
    admin_page.wait_for_load_state()
    assert "Le membre a été désactivé" in page_text(admin_page)
    assert "désactivé le" in admin_page.get_by_test_id(f"member-{EMAIL}").inner_text().lower()

    # The member's next page request signs them out, and their token is refused.
    member_page.goto(base + "/offres/")
    # (Their account is inactive: the session no longer resolves to them, hence the login page.)
    assert "/connexion/" in member_page.url
    assert member_page.get_by_role("button", name="Se connecter").is_visible()
    response = member_page.request.get(base + "/api/v1/offers/", headers=api_headers)
    assert response.status == 401
    assert not User.objects.get(email=EMAIL).is_active
    # Nor can they sign in again.
    login(member_page, EMAIL, NEW_PASSWORD)
    assert "/connexion/" in member_page.url
    member_context.close()

    # The admin, still signed in, carries on.
    logout(admin_page)
    assert "/connexion/" in admin_page.url
