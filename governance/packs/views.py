"""The meeting pack on the meeting's page: request a generation, download the PDF or XLSX.
Aggregated figures and organisation names only (no personal data); the meeting's scope applies
(out of the department: 404)."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners.access import capability_required
from partners.roles import Cap

from ..bilan.actions import ReportError
from ..models import Meeting, MeetingPack
from . import actions


@require_POST
@capability_required(Cap.GOVERNANCE_EDIT)
def pack_request(request, pk):
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("committee__agreement"), pk=pk
    )
    try:
        pack = actions.request_pack(request.user, meeting)
    except ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("La génération du dossier de séance (version %(version)s) est demandée.")
            % {"version": pack.version},
        )
    return redirect("governance:meeting_detail", pk=meeting.pk)


@capability_required(Cap.GOVERNANCE_VIEW)
def pack_download(request, pk, fmt):
    pack = get_object_or_404(
        MeetingPack.objects.visible_to(request.user).select_related("meeting"),
        pk=pk,
        status=MeetingPack.Status.READY,
    )
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    content_type = {
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[fmt]
    response = FileResponse(
        getattr(pack, fmt).open("rb"),
        content_type=content_type,
        as_attachment=True,
        filename=f"dossier-seance-{pack.meeting_id}-v{pack.version}.{fmt}",
    )
    response["Cache-Control"] = "no-store"
    return response
