"""Sessions (30 min idle, 12 h absolute, new id at login, ended server-side at logout) and
passwords (12+ characters, common and French common ones refused; reset link single-use, one
hour, throttled, the same answer for every address) (issue 11)."""

import re
import time
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from partners.models import AuditEntry
from partners.signals import LAST_SEEN_KEY, SESSION_STARTED_KEY

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def age_session(client, *, idle=0, since_login=0):
    session = client.session
    now = int(time.time())
    session[LAST_SEEN_KEY] = now - idle
    session[SESSION_STARTED_KEY] = now - since_login
    session.save()
    return session.session_key


def test_a_session_within_its_limits_goes_on(client, ofii):
    client.force_login(ofii)
    age_session(client, idle=29 * 60, since_login=11 * 3600)
    assert client.get(reverse("home")).status_code == 200


def test_thirty_minutes_without_a_request_end_the_session(client, ofii):
    client.force_login(ofii)
    key = age_session(client, idle=30 * 60 + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("home")).status_code == 302


def test_twelve_hours_after_sign_in_end_the_session_even_when_active(client, ofii):
    client.force_login(ofii)
    age_session(client, idle=10, since_login=12 * 3600 + 1)
    assert client.get(reverse("home")).status_code == 302


def test_signing_in_gives_a_new_session_id(client, ofii):
    session = client.session
    session["before_login"] = True
    session.save()
    before = session.session_key
    client.post(reverse("login"), {"username": ofii.email, "password": PASSWORD})
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_logout_ends_the_session_on_the_server(client, ofii):
    client.force_login(ofii)
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies["sessionid"] = key  # the old cookie, replayed
    assert client.get(reverse("home")).status_code == 302
    assert AuditEntry.objects.filter(action="logout", actor=ofii).count() == 1


@pytest.mark.parametrize(
    "password", ["azertyuiop12", "motdepasse123", "soleil123456", "Marseille2024!", "court1!"]
)
def test_weak_passwords_are_refused(password, ofii):
    with pytest.raises(ValidationError):
        password_validation.validate_password(password, ofii)


def test_a_long_uncommon_password_is_accepted(ofii):
    assert password_validation.validate_password("tramway-ciboulette-42-fenetre", ofii) is None


@pytest.fixture
def ask_reset(client, django_capture_on_commit_callbacks):
    """Asks for a reset link for ``email``; the e-mail leaves through the outbox once the
    request is committed."""

    def ask(email):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("password_reset"), {"email": email})

    return ask


def reset_link(ask_reset, email):
    ask_reset(email)
    return re.search(r"https?://[^/]+(/mot-de-passe/nouveau/\S+/)", mail.outbox[-1].body).group(1)


def test_the_reset_page_refuses_a_french_common_password_in_french(client, ofii, ask_reset):
    form = client.get(reset_link(ask_reset, ofii.email), follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "azertyuiop12", "new_password2": "azertyuiop12"},
    )
    assert response.status_code == 200
    assert "trop courant" in response.content.decode()


def test_a_reset_link_expires_after_an_hour(client, ofii, monkeypatch, ask_reset):
    link = reset_link(ask_reset, ofii.email)
    later = datetime.now() + timedelta(hours=1, seconds=5)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    response = client.get(link, follow=True)
    assert "plus valable" in response.content.decode()


def test_a_reset_link_works_once(client, ofii, ask_reset):
    link = reset_link(ask_reset, ofii.email)
    form = client.get(link, follow=True)
    new = "tramway-ciboulette-42-fenetre"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert "plus valable" in client.get(link, follow=True).content.decode()
    assert AuditEntry.objects.filter(action="password_reset", detail="done").count() == 1


def test_reset_requests_are_throttled_per_address_with_the_same_answer(ofii, settings, ask_reset):
    answers = [ask_reset(ofii.email) for _ in range(settings.PASSWORD_RESET_PER_ADDRESS + 2)]
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, reverse("password_reset_done"))
    }
    assert len(mail.outbox) == settings.PASSWORD_RESET_PER_ADDRESS
    assert AuditEntry.objects.filter(action="password_reset", detail="throttled").count() == 2


def test_reset_requests_are_throttled_per_ip_address(ofii, prefecture, settings, ask_reset):
    settings.PASSWORD_RESET_PER_IP = 1
    ask_reset(ofii.email)
    answer = ask_reset(prefecture.email)
    assert answer["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1


def test_an_unknown_address_gets_the_same_answer_and_no_mail(ofii, ask_reset):
    known = ask_reset(ofii.email)
    unknown = ask_reset("personne@nulle-part.test")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1
