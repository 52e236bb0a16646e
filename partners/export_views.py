"""The pages of an export job: its progress, then its file — for its requester only (anyone else
gets 404, as for a record out of scope), until the file expires."""

from django.http import FileResponse, Http404
from django.shortcuts import render

from . import audit, exports
from .access import open_record


def job_detail(request, pk):
    job = open_record(request.user, exports.ExportJob, object_type="export_job", pk=pk)
    return render(
        request,
        "partners/export_job.html",
        {"job": job, "downloadable": exports.downloadable(job)},
    )


def job_download(request, pk):
    job = open_record(request.user, exports.ExportJob, object_type="export_job", pk=pk)
    if not exports.downloadable(job):
        raise Http404
    audit.record(request.user, audit.Action.DOWNLOAD, "export_job", job.pk)
    response = FileResponse(job.file.open("rb"), as_attachment=True)
    response["Content-Disposition"] = f'attachment; filename="{job.file.name.rsplit("/", 1)[-1]}"'
    return response
