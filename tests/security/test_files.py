"""Stored files: checked by content at upload, served only through a scoped view, as downloads.

Nothing under MEDIA_ROOT has a URL of its own (not even in the demo); an amendment's document is
served by ``governance:amendment_document`` (404 out of scope), the bilan by its download view.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve

from core.uploads import validate_upload
from governance.models import Amendment
from tests.bilan.factories import other_department_agreement, paris_agreement, ready_report

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML = b"<!doctype html><script>alert(document.cookie)</script>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type)


def test_a_pdf_and_an_image_are_accepted():
    assert validate_upload(upload("avenant.pdf", PDF)) is None
    assert validate_upload(upload("scan.png", PNG, "image/png")) is None


def test_a_page_named_pdf_is_refused_by_its_content():
    message = validate_upload(upload("avenant.pdf", HTML))
    assert message.startswith("Ce fichier n'est pas accepté")


def test_a_file_over_the_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    message = validate_upload(upload("gros.pdf", PDF + b"0" * (1024 * 1024)))
    assert message == "Le fichier dépasse 1 Mo."


def test_the_amendment_form_refuses_an_html_page(client, orgs, prefecture):
    agreement = paris_agreement(orgs)
    client.force_login(prefecture)
    response = client.post(
        f"/gouvernance/accords/{agreement.pk}/avenants/ajouter/",
        {
            "number": 2,
            "signed_on": "2025-01-15",
            "summary": "Avenant piégé",
            "document": upload("avenant.pdf", HTML, "text/html"),
        },
    )
    assert response.status_code == 200
    assert "Ce fichier n&#x27;est pas accepté" in response.content.decode()
    assert not agreement.amendments.filter(number=2).exists()


def amendment_with(agreement, content, name="avenant.pdf"):
    amendment = Amendment(agreement=agreement, number=9, signed_on="2025-01-01", summary="Objet")
    amendment.document.save(name, SimpleUploadedFile(name, content), save=False)
    amendment.save()
    return amendment


def test_an_amendment_document_is_a_download_that_no_cache_keeps(client, orgs, partner):
    amendment = amendment_with(paris_agreement(orgs), PDF)
    client.force_login(partner)
    response = client.get(f"/gouvernance/avenants/{amendment.pk}/document/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="avenant-9.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF
    response.close()


def test_a_stored_page_is_served_as_an_opaque_download(client, orgs, partner):
    """A page stored before the content check (or by another way) never renders on the site."""
    amendment = amendment_with(paris_agreement(orgs), HTML, name="avenant.html")
    client.force_login(partner)
    response = client.get(f"/gouvernance/avenants/{amendment.pk}/document/")
    response.close()
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="avenant-9.bin"'


def test_another_departments_amendment_answers_as_a_missing_one(client, orgs, ofii93):
    amendment = amendment_with(paris_agreement(orgs), PDF)
    client.force_login(ofii93)
    assert client.get(f"/gouvernance/avenants/{amendment.pk}/document/").status_code == 404
    assert client.get("/gouvernance/avenants/987654321/document/").status_code == 404


def test_no_stored_file_has_a_url_of_its_own(client, orgs, prefecture, settings):
    report = ready_report(other_department_agreement(orgs))
    with pytest.raises(Resolver404):
        resolve(f"/{settings.MEDIA_URL}{report.pdf.name}")


def test_the_bilan_download_is_an_attachment_that_no_cache_keeps(client, orgs, prefecture):
    report = ready_report(paris_agreement(orgs))
    client.force_login(prefecture)
    response = client.get(f"/gouvernance/bilans/{report.pk}/telecharger/")
    response.close()
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
