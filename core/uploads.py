"""Uploaded documents: checked by their content, served only as attachments.

``validate_upload(upload)`` reads the first bytes of an uploaded file and answers a French message
when it is refused (too large, or not a PDF, an image or an office document, whatever its name
says), else ``None``. ``attachment_response(field_file, stem)`` serves a stored file as a download
(``Content-Disposition: attachment``, ``Cache-Control: no-store``, the type read from the content):
a stored file is never shown inline by the browser, so an uploaded page cannot run on the site.

The caller checks the scope first: a stored file is served only by a view that found its record
through ``visible_to`` (404 otherwise). Nothing under MEDIA_ROOT is served directly.
"""

import filetype
from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext as _

# Content types accepted for documents (amendments and attachments to come).
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
# Enough for every signature filetype knows (office documents: the zip's first entries).
HEAD_BYTES = 8192


def content_type_of(head):
    """The accepted content type of these first bytes, or None."""
    kind = filetype.guess(bytes(head))
    if kind is None or kind.mime not in DOCUMENT_TYPES:
        return None
    return kind.mime


def _head(file):
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(position)
    return head


def validate_upload(upload, *, max_bytes=None):
    """A French message if ``upload`` is refused, else None."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        return _("Le fichier dépasse %(size)s Mo.") % {"size": limit // (1024 * 1024)}
    if not upload.size or content_type_of(_head(upload)) is None:
        return _(
            "Ce fichier n'est pas accepté : envoyez un PDF, une image (PNG, JPEG, WebP) "
            "ou un document bureautique (Word, Excel, PowerPoint, OpenDocument)."
        )
    return None


def attachment_response(field_file, stem):
    """The stored file as a download named ``stem`` plus the extension of its content."""
    handle = field_file.open("rb")
    content_type = content_type_of(_head(handle)) or "application/octet-stream"
    extension = DOCUMENT_TYPES.get(content_type, "bin")
    response = FileResponse(
        handle, as_attachment=True, filename=f"{stem}.{extension}", content_type=content_type
    )
    response["Cache-Control"] = "no-store"
    return response
