"""The thread and the documents of a referral: scope (404 outside), content checks, private
storage, audited downloads, e-mails without personal data, erasure 6 months after the end."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partners.models import AuditEntry
from referrals import actions, messaging
from referrals.models import Document, Message, Outcome

from .factories import PDF, PNG, document_on

pytestmark = pytest.mark.django_db


def upload(name="cv.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_message_with_a_pdf_reaches_the_other_side_without_a_name(
    client, mission_locale, ofii, referral, settings, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    client.force_login(mission_locale)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referrals:message", args=[referral.pk]),
            {"message-text": "Voici son CV.", "message-kind": "cv", "message-file": upload()},
        )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.content_type == "application/pdf"
    assert "cv" not in document.file.name.lower()  # a random name in storage
    assert str(settings.PRIVATE_MEDIA_ROOT) in document.file.path
    assert [m.to for m in mail.outbox] == [[ofii.email]]
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert "Diallo" not in body and "Aminata" not in body and "CV" not in body
    assert reverse("referrals:detail", args=[referral.pk]) in body
    # OFII sees it unread, opens the page: read.
    client.force_login(ofii)
    home = client.get(reverse("home")).content.decode()
    assert "Messages non lus : 1" in home
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Voici son CV." in page
    assert Message.objects.get().read_at is not None
    assert "Messages non lus : 0" in client.get(reverse("home")).content.decode()


def test_the_download_is_scoped_private_and_audited(
    client, request, mission_locale, ofii, referral
):
    document = document_on(referral, mission_locale)
    url = reverse("referrals:document_download", args=[referral.pk, document.pk])
    client.force_login(ofii)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="document-{document.pk}.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content) == PDF
    assert AuditEntry.objects.filter(
        actor=ofii, action="download", object_type="referral_document", object_id=str(document.pk)
    ).exists()
    for persona in ("ofii93", "france_travail", "prefecture"):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(url).status_code == 404
        assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
        response = client.post(
            reverse("referrals:message", args=[referral.pk]), {"message-text": "x"}
        )
        assert response.status_code == 404
    # The media URL never serves it.
    assert client.get("/media/" + document.file.name).status_code == 404


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("cv.pdf", b"MZ\x90\x00" + b"\x00" * 64, "Seuls les documents PDF"),  # an .exe named .pdf
        ("cv.pdf", b"", "vide"),
    ],
)
def test_the_type_is_checked_by_content(client, mission_locale, referral, name, content, message):
    client.force_login(mission_locale)
    response = client.post(
        reverse("referrals:message", args=[referral.pk]),
        {"message-kind": "cv", "message-file": upload(name, content)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Document.objects.exists() and not Message.objects.exists()


def test_too_big_a_file_is_refused(mission_locale, referral, settings):
    settings.REFERRAL_DOCUMENT_MAX_BYTES = 100
    with pytest.raises(messaging.ValidationError) as error:
        messaging.post_message(mission_locale, referral, upload=upload(content=PDF * 10), kind="cv")
    assert "taille autorisée" in error.value.message_dict["file"][0]


def test_an_image_is_accepted_and_an_empty_message_is_not(mission_locale, referral):
    message = messaging.post_message(
        mission_locale, referral, upload=upload("photo.png", PNG), kind="attestation"
    )
    assert message.documents.get().content_type == "image/png"
    with pytest.raises(messaging.ValidationError) as error:
        messaging.post_message(mission_locale, referral, text="  ")
    assert "text" in error.value.message_dict


def test_a_document_is_erased_six_months_after_the_closure(mission_locale, referral):
    actions.accept(mission_locale, referral)
    document = document_on(referral, mission_locale)
    actions.close(
        mission_locale, referral, outcome=Outcome.JOB_DURABLE, outcome_date=timezone.localdate()
    )
    closed_at = type(referral).objects.get(pk=referral.pk).closed_at
    path = document.file.path
    # Five months later: kept.
    assert messaging.erase_expired_documents(now=closed_at + datetime.timedelta(days=150)) == 0
    document.refresh_from_db()
    assert document.erased_at is None
    # Six months later (frozen time: ``now``): the file and its name are gone, the row says so.
    later = closed_at + datetime.timedelta(days=185)
    assert messaging.erase_expired_documents(now=later) == 1
    document.refresh_from_db()
    assert document.erased_at == later and not document.file and document.original_name == ""
    import os

    assert not os.path.exists(path)
    assert messaging.erase_expired_documents(now=later) == 0


def test_retention_erases_messages_and_documents(mission_locale, referral, young):
    from beneficiaries.actions import anonymise

    document_on(referral, mission_locale, text="Il parle arabe et anglais.")
    anonymise([young.pk])
    assert Message.objects.get().text == ""
    assert Document.objects.get().erased_at is not None


def test_the_thread_api_is_scoped(api_as, request, mission_locale, ofii, referral):
    url = f"/api/v1/referrals/{referral.pk}/messages/"
    api = api_as(mission_locale)
    response = api.post(url, {"text": "Premier rendez-vous fixé."}, format="json")
    assert response.status_code == 201
    assert api.post(url, {"text": ""}, format="json").status_code == 400
    document = api.post(
        f"/api/v1/referrals/{referral.pk}/documents/",
        {"file": upload(), "kind": "cv"},
        format="multipart",
    )
    assert document.status_code == 201
    doc_id = document.json()["id"]
    bad = api.post(
        f"/api/v1/referrals/{referral.pk}/documents/",
        {"file": upload("x.pdf", b"<html></html>"), "kind": "cv"},
        format="multipart",
    )
    assert bad.status_code == 400 and "file" in bad.json()
    ofii_api = api_as(ofii)
    thread = ofii_api.get(url).json()
    assert [m["text"] for m in thread] == ["Premier rendez-vous fixé.", ""]
    assert thread[1]["documents"][0]["id"] == doc_id
    download = f"/api/v1/referrals/{referral.pk}/documents/{doc_id}/download/"
    response = ofii_api.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    for persona in ("ofii93", "france_travail"):
        other = api_as(request.getfixturevalue(persona))
        assert other.get(url).status_code == 404
        assert other.post(url, {"text": "x"}, format="json").status_code == 404
        assert other.get(f"/api/v1/referrals/{referral.pk}/documents/").status_code == 404
        assert other.get(download).status_code == 404
