"""The actions of a referral's thread (HOUSE.md, one function per change): messages between the
sending and the receiving organisation, the documents attached to them, reading the thread, and
erasing documents (N months after the referral ended, and with the file's retention).

Documents are checked by their content (``filetype``: the first bytes, not the name or the
browser's claim), size-limited, stored under a random name in private storage
(``referrals.storage``) and only ever served by the scoped views of ``referrals.documents``.
"""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.actions import touch
from core.dates import months_before
from effects.outbox import enqueue
from partners import audit

from . import tasks
from .models import Document, Message, Referral, ReferralEvent, Status
from .states import TransitionNotAllowed, may_write

ALLOWED_TYPES = ("application/pdf", "image/jpeg", "image/png")
MAX_TEXT = 5000


def max_bytes():
    return getattr(settings, "REFERRAL_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024)


def retention_months():
    return getattr(settings, "REFERRAL_DOCUMENT_RETENTION_MONTHS", 6)


def check_upload(upload, field="file"):
    """The content type of an uploaded file, read from its first bytes; a field error if it is
    empty, too big, or neither a PDF nor a JPEG/PNG image."""
    if upload.size == 0:
        raise ValidationError({field: _("Le fichier est vide.")})
    if upload.size > max_bytes():
        raise ValidationError(
            {
                field: _("Le fichier dépasse la taille autorisée (%(max)s Mo).")
                % {"max": max_bytes() // (1024 * 1024)}
            }
        )
    upload.seek(0)
    head = upload.read(262)
    upload.seek(0)
    guessed = filetype.guess(head)
    if guessed is None or guessed.mime not in ALLOWED_TYPES:
        raise ValidationError(
            {field: _("Seuls les documents PDF et les images JPEG ou PNG sont acceptés.")}
        )
    return guessed.mime


def post_message(actor, referral, *, text="", upload=None, kind="", channel="web"):
    """Either organisation writes on the referral's thread: a text, a document, or both. The
    other organisation is told by e-mail (a link, no personal data)."""
    text = (text or "").strip()
    if not text and upload is None:
        raise ValidationError({"text": _("Écrivez un message ou joignez un document.")})
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {"text": _("Le message dépasse %(max)s caractères.") % {"max": MAX_TEXT}}
        )
    content_type = None
    if upload is not None:
        if kind not in Document.Kind.values:
            raise ValidationError({"kind": _("Choisissez le type de document.")})
        content_type = check_upload(upload)
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if not may_write(actor, referral):
            raise TransitionNotAllowed(
                _("Seules l'organisation qui oriente et celle qui reçoit peuvent écrire ici.")
            )
        organisation = actor.active_membership.organisation
        message = Message.objects.create(
            referral=referral, author=actor, organisation=organisation, text=text, created_at=now
        )
        if upload is not None:
            document = Document(
                referral=referral,
                message=message,
                kind=kind,
                original_name=(getattr(upload, "name", "") or "")[-200:],
                content_type=content_type,
                size=upload.size,
                uploaded_by=actor,
                organisation=organisation,
                uploaded_at=now,
            )
            document.file.save("document", upload, save=False)
            document.save()
            audit.record(
                actor, audit.Action.CREATE, "referral_document", document.pk, channel=channel
            )
        touch(referral.beneficiary_id, now)
        audit.record(actor, audit.Action.CREATE, "referral_message", message.pk, channel=channel)
        enqueue(tasks.notify_new_message, [message.pk], key=f"message-{message.pk}-new")
    return message


def mark_read(user, referral):
    """The messages of the other organisation are read by the user's organisation."""
    membership = user.active_membership
    return (
        Message.objects.filter(referral=referral, read_at__isnull=True)
        .exclude(organisation_id=membership.organisation_id)
        .update(read_at=timezone.now())
    )


def unread(user, referrals):
    """Messages written to the user's organisation on ``referrals`` (scoped), not yet read."""
    return Message.objects.filter(referral__in=referrals, read_at__isnull=True).exclude(
        organisation_id=user.active_membership.organisation_id
    )


# --- Erasing documents ------------------------------------------------------------------------


def erase(documents, now=None):
    """Deletes the stored files and the names given by the uploaders; the rows stay, marked
    erased, so the thread and the timeline say a document was there. Returns how many."""
    now = now or timezone.now()
    count = 0
    for document in documents.filter(erased_at__isnull=True):
        if document.file:
            document.file.delete(save=False)
        Document.objects.filter(pk=document.pk).update(
            file="", original_name="", erased_at=now, updated_at=timezone.now()
        )
        count += 1
    return count


def ended_referrals(cutoff):
    """Referrals that ended (closed, refused, redirected, cancelled) at or before ``cutoff``."""
    cancelled_before = Q(status=Status.CANCELLED) & ~Exists(
        ReferralEvent.objects.filter(referral=OuterRef("pk"), at__gt=cutoff)
    )
    return Referral.objects.filter(
        Q(status=Status.CLOSED, closed_at__lte=cutoff)
        | Q(status__in=(Status.REFUSED, Status.REDIRECTED), answered_at__lte=cutoff)
        | cancelled_before
    )


def erase_expired_documents(now=None):
    """The documents of referrals ended N months ago or more (``REFERRAL_DOCUMENT_RETENTION_MONTHS``,
    default 6) are erased. Run daily by Celery beat (``tasks.erase_expired_documents``)."""
    now = now or timezone.now()
    cutoff = months_before(now, retention_months())
    return erase(Document.objects.filter(referral__in=ended_referrals(cutoff)), now)
