"""Exports of any size (issue "Scale"): above ``settings.EXPORT_JOB_THRESHOLD`` rows a list is
exported by a background job.

- ``register(Source(...))``: each app declares its exportable lists (in its ``apps.ready``): how
  to build the scoped, filtered queryset from the list's query string, the header and one row.
- ``start(user, name, fmt, params, total)``: the action — one ``ExportJob`` row (who asked, the
  filter), the task queued on commit.
- ``run(job_id)``: the worker's part — claims the job, streams the rows to a temporary file
  (``iterator()`` in chunks, CSV or write-only XLSX: constant memory), records the progress every
  ``PROGRESS_EVERY`` rows, then stores the file and writes ONE audit row for the whole export (its
  exact count and its filter, in the requester's name), not one per row. Nothing is cut: every
  row of the filter is written.
- ``purge()``: removes the files whose download time is over (the job row stays: who exported
  what, when, how many rows).
"""

import csv
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from core.spreadsheets import neutralise

from . import audit
from .export_jobs import ExportJob

logger = logging.getLogger(__name__)

CHUNK = 2000
PROGRESS_EVERY = 5000
SOURCES = {}


@dataclass(frozen=True)
class Source:
    name: str  # "beneficiaries", "referrals"
    object_type: str  # the audit's object type
    title: str  # the sheet's title
    file_stem: str  # "beneficiaires-20260101.csv"
    records: Callable  # (user, QueryDict) -> scoped, filtered, ordered queryset
    header: Callable  # () -> [column names]
    row: Callable  # (record) -> [cells]


def register(source):
    SOURCES[source.name] = source
    return source


def threshold():
    return settings.EXPORT_JOB_THRESHOLD


def count_up_to(queryset, limit):
    """How many rows, counted up to ``limit + 1`` only: is it above the threshold?"""
    return queryset.order_by()[: limit + 1].count()


def detail(job):
    """The audit row's detail: the format, the count and the filter (free text masked: a name
    typed in the search box is not copied into the journal; the job row keeps the filter)."""
    params = QueryDict(job.query, mutable=True)
    if params.get("q"):
        params["q"] = "…"
    return f"job:{job.pk} {job.fmt} {job.total_rows} lignes filtre:{params.urlencode()}"[:255]


def start(user, name, fmt, params, total):
    """Creates the job of ``user`` (the list ``name`` in ``fmt`` filtered by ``params``, about
    ``total`` rows), audits it once and queues it; returns it."""
    from .tasks import run_export

    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=user,
            organisation=user.active_membership.organisation if user.active_membership else None,
            source=name,
            fmt=fmt,
            query=params.urlencode(),
            total_rows=total,
        )
        transaction.on_commit(lambda: run_export.delay(job.pk))
    return job


def run(job_id):
    """Writes the export of ``job_id`` (safe to run twice: only a pending job is claimed)."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
        status=ExportJob.Status.RUNNING
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    source = SOURCES[job.source]
    try:
        records = source.records(job.requested_by, QueryDict(job.query))
        # The exact count, taken by the worker (the request only knew it was above the threshold).
        total = records.order_by().count()
        ExportJob.objects.filter(pk=job.pk).update(total_rows=total)
        with tempfile.TemporaryFile() as handle:
            written = _write(job, source, records.iterator(chunk_size=CHUNK), handle)
            handle.seek(0)
            stamp = timezone.localdate().strftime("%Y%m%d")
            job.file.save(
                f"{source.file_stem}-{stamp}-{job.pk}.{job.fmt}", File(handle), save=False
            )
        now = timezone.now()
        job.total_rows = written
        # ONE audit row for the whole export, in the requester's name: its count and its filter.
        audit.record(
            job.requested_by, audit.Action.EXPORT, source.object_type, "", detail=detail(job)
        )
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.DONE,
            file=job.file.name,
            written_rows=written,
            total_rows=written,
            finished_at=now,
            expires_at=now + timedelta(hours=settings.EXPORT_FILE_HOURS),
        )
    except Exception:
        logger.exception("export job %s failed", job_id)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, finished_at=timezone.now()
        )
        raise
    return written


def _progress(job, written):
    ExportJob.objects.filter(pk=job.pk).update(written_rows=written)


def _write(job, source, records, handle):
    written = 0
    if job.fmt == "csv":
        import io

        text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=True)
        text.write("\ufeff")
        writer = csv.writer(text, delimiter=";")
        writer.writerow(source.header())
        for record in records:
            writer.writerow([neutralise(value) for value in source.row(record)])
            written += 1
            if written % PROGRESS_EVERY == 0:
                _progress(job, written)
        text.flush()
        text.detach()
        return written
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)  # rows go to a temporary file as they come
    sheet = workbook.create_sheet(source.title[:31])
    sheet.append(source.header())
    for record in records:
        sheet.append([neutralise(value) for value in source.row(record)])
        written += 1
        if written % PROGRESS_EVERY == 0:
            _progress(job, written)
    workbook.save(handle)
    return written


def downloadable(job):
    return job.status == ExportJob.Status.DONE and job.file and not job.is_expired


def purge(now=None):
    """Deletes the files of the exports whose download time is over; returns how many."""
    now = now or timezone.now()
    done = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).exclude(file=""):
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        done += 1
    return done
