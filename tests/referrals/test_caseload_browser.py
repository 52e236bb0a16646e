"""The caseload in a browser (issue "Done when"): the counsellor opens "Mes accompagnements",
finds the person whose appointment has passed, records the first appointment from the flagged
row, writes a message with a PDF; OFII sees it unread, answers, downloads the PDF; the e-mails
carry no name; another department and another partner get 404 on the thread, the document and
its download."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from referrals import actions
from referrals.models import Document, Referral, Status
from tests.browser.conftest import browser_page, login, page_text  # noqa: F401 (fixture)
from tests.conftest import PASSWORD
from tests.factories import BeneficiaryFactory

from .conftest import years_ago
from .factories import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def new_page(page):
    other = page.context.browser.new_context(locale="fr-FR").new_page()
    other.set_default_timeout(15000)
    other.base_url = page.base_url
    return other


def test_caseload_thread_and_document(
    browser_page,  # noqa: F811
    ofii,
    mission_locale,
    france_travail,
    ofii93,
    orgs,
):
    person = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        birth_date=years_ago(24, 10),
        last_name="Keita",
        first_name="Mariam",
        email="mariam@example.test",
    )
    referral = actions.send(
        ofii, beneficiary=person, to_organisation=orgs["mission_locale"], reason="Emploi"
    )
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=6)
    )
    appointment = timezone.now() - datetime.timedelta(days=1)
    actions.accept(mission_locale, referral, appointment_at=appointment)
    actions.assign(mission_locale, [referral.pk], mission_locale)
    mail.outbox.clear()

    # The counsellor: "Mes accompagnements", the flagged row, the first appointment recorded.
    counsellor = browser_page
    login(counsellor, mission_locale.email, PASSWORD)
    counsellor.get_by_role("link", name="Mes accompagnements").first.click()
    row = counsellor.locator("tr[data-flag=appointment_passed]", has_text="KEITA Mariam")
    row.get_by_role("button", name=re.compile("Rendez-vous tenu")).click()
    assert "Premier rendez-vous enregistré." in page_text(counsellor)
    assert counsellor.locator("tr[data-flag=appointment_passed]").count() == 0
    assert Referral.objects.get(pk=referral.pk).status == Status.IN_PROGRESS

    # A message with a PDF attached.
    counsellor.get_by_test_id("caseload").get_by_role("link", name="KEITA Mariam").click()
    counsellor.get_by_label("Message").fill("Bonjour, voici son attestation de français.")
    counsellor.get_by_label("Joindre un document").set_input_files(
        {"name": "attestation-keita.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    counsellor.get_by_label("Type de document").select_option("french_certificate")
    counsellor.get_by_role("button", name="Envoyer le message").click()
    assert "Message envoyé." in page_text(counsellor)
    document = Document.objects.get(referral=referral)

    # OFII: the unread message on the home, the thread, an answer, the download.
    auditor = new_page(counsellor)
    login(auditor, ofii.email, PASSWORD)
    assert "Messages non lus : 1" in auditor.get_by_test_id("unread-count").inner_text()
    detail_url = f"{auditor.base_url}/orientations/{referral.pk}/"
    auditor.goto(detail_url)
    thread = auditor.get_by_test_id("thread")
    assert "voici son attestation de français" in thread.inner_text()
    auditor.get_by_label("Message").fill("Merci, bien reçu.")
    auditor.get_by_role("button", name="Envoyer le message").click()
    auditor.wait_for_load_state()  # the same page comes back: read the new one
    assert "Merci, bien reçu." in auditor.get_by_test_id("thread").inner_text()
    with auditor.expect_download() as download_info:
        auditor.get_by_test_id("document").click()
    download = download_info.value
    assert download.suggested_filename == f"document-{document.pk}.pdf"
    with open(download.path(), "rb") as stream:
        assert stream.read() == PDF

    # The e-mails (acceptance told to OFII earlier, new messages now) carry no name.
    assert len(mail.outbox) >= 2
    for message in mail.outbox:
        text = message.subject + message.body
        assert "Keita" not in text and "Mariam" not in text and "KEITA" not in text

    # Another department and another partner: 404 on the thread, the document, its download.
    download_url = f"{auditor.base_url}/orientations/{referral.pk}/documents/{document.pk}/"
    for outsider in (ofii93, france_travail):
        page = new_page(counsellor)
        login(page, outsider.email, PASSWORD)
        assert page.goto(detail_url).status == 404
        assert page.request.get(download_url).status == 404
        api = page.request.get(
            f"{page.base_url}/api/v1/referrals/{referral.pk}/messages/",
        )
        assert api.status == 404
        page.context.close()
    auditor.context.close()
