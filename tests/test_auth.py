"""Login, lockout, logout and password reset, as a person meets them."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from effects.models import Effect

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"


def post_login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_login_page_is_public_and_french(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Connexion à Passerelle" in content
    assert 'for="id_username"' in content  # a real label for the e-mail field


def test_every_page_but_login_reset_and_health_needs_login(client):
    assert client.get(reverse("home")).status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert client.get(reverse("password_reset")).status_code == 200
    assert client.get(reverse("health")).status_code == 200


def test_right_password_logs_in_and_lands_on_home(client, ofii):
    response = post_login(client, ofii.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert "Mes dossiers et orientations" in home.content.decode()


def test_wrong_password_and_unknown_account_get_the_same_answer(client, ofii):
    known = post_login(client, ofii.email, WRONG)
    unknown = post_login(client, "nobody@nowhere.test", WRONG)
    assert known.status_code == unknown.status_code == 200
    message = "Adresse électronique ou mot de passe incorrect"
    assert message in known.content.decode()
    assert message in unknown.content.decode()


def test_five_failures_lock_the_account_even_for_the_right_password(client, ofii):
    for _ in range(5):
        post_login(client, ofii.email, WRONG)
    response = post_login(client, ofii.email, PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_account_locks_the_same_way(client):
    for _ in range(5):
        post_login(client, "nobody@nowhere.test", WRONG)
    response = post_login(client, "nobody@nowhere.test", WRONG)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


def test_lockout_is_per_account(client, ofii, prefecture):
    for _ in range(5):
        post_login(client, ofii.email, WRONG)
    assert post_login(client, prefecture.email, PASSWORD).status_code == 302


def test_lockout_cools_off(client, ofii, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    for _ in range(5):
        post_login(client, ofii.email, WRONG)
    assert post_login(client, ofii.email, PASSWORD).status_code == 429
    # Some minutes later (the cool-off), the right password works again.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert post_login(client, ofii.email, PASSWORD).status_code == 302


def test_logout_needs_post_and_ends_the_session(client, ofii):
    client.force_login(ofii)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_sends_a_link_that_works_once(
    client, ofii, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": ofii.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    # Through the outbox (sent again later if the mail server is down); once sent, the effect
    # keeps neither the link nor the address.
    effect = Effect.objects.get(task="partners.tasks.send_account_email")
    assert effect.status == Effect.Status.DONE and effect.args == []
    body = mail.outbox[0].body
    link = re.search(r"https?://[^/]+(/mot-de-passe/nouveau/\S+/)", body).group(1)
    assert ofii.last_name not in body  # the e-mail carries a link, not personal data
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new_password = "un-nouveau-mot-de-passe-long"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    ofii.refresh_from_db()
    assert ofii.check_password(new_password)
    again = client.get(link, follow=True)
    assert "plus valable" in again.content.decode()


def test_password_reset_for_unknown_address_says_the_same(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "nobody@nowhere.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_reset_link_expires_within_an_hour(settings):
    assert settings.PASSWORD_RESET_TIMEOUT <= 3600


def test_person_without_active_membership_is_signed_out(client, ofii):
    client.force_login(ofii)
    membership = ofii.memberships.get()
    from django.utils import timezone

    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
