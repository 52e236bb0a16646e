"""Stored files of the governance, served only through their record's scope (404 otherwise).

The annual bilan's PDF has its own view (``governance.bilan.views.report_download``)."""

from django.shortcuts import get_object_or_404

from core.uploads import attachment_response
from partners.access import capability_required
from partners.roles import Cap

from ..models import Amendment


@capability_required(Cap.GOVERNANCE_VIEW)
def amendment_document(request, pk):
    amendment = get_object_or_404(
        Amendment.objects.visible_to(request.user).exclude(document=""), pk=pk
    )
    return attachment_response(amendment.document, f"avenant-{amendment.number}")
