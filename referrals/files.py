"""Serving a referral's document: only after the caller opened it through ``visible_to`` (the
page's view and the API's action do), always as an attachment, never cached, always audited."""

from django.http import FileResponse, Http404

from partners import audit


def serve(document, user, *, channel):
    if document.erased_at is not None or not document.file:
        raise Http404
    audit.record(user, audit.Action.DOWNLOAD, "referral_document", document.pk, channel=channel)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"document-{document.pk}.{document.extension}",
        content_type=document.content_type,
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
