import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def browser_page(live_server, tmp_path):
    """A page of headless Debian Chromium, driven by Playwright."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"headless Chromium not found at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url
        yield page
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def login(page, email, password):
    """Signs in with the password, then, for people who need one, the second factor (a TOTP
    device is made for them: enrolment itself is tested in tests/security)."""
    from partners import second_factor
    from partners.models import User

    from ..conftest import totp_code, totp_device

    user = User.objects.filter(email=email).first()
    device = None
    if user is not None and (second_factor.is_required(user) or second_factor.has_device(user)):
        device = totp_device(user)
    page.goto(page.base_url + "/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    if device is not None and "/compte/double-authentification/code/" in page.url:
        page.get_by_label("Code à usage unique").fill(totp_code(device))
        page.get_by_role("button", name="Vérifier").click()
        page.wait_for_load_state()


def page_text(page):
    """The page's HTML once it has loaded: a click that submits a form waits only for the
    navigation to start, and ``page.content()`` read in between is empty."""
    page.wait_for_load_state()
    return page.content()


def tick(page, label):
    """Ticks a DSFR checkbox as a person does, on its label: the DSFR draws the box on the label
    and hides the input itself from the pointer."""
    box = page.get_by_label(label, exact=True)
    page.locator(f'label[for="{box.get_attribute("id")}"]').click()
    assert box.is_checked()


def logout(page):
    page.get_by_role("button", name="Se déconnecter").first.click()
    page.wait_for_load_state()
