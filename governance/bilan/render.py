"""The annual bilan as a document: HTML, then PDF (WeasyPrint), from the frozen snapshot.

``snapshot.collect`` gathers every figure the document prints into one JSON-serialisable dict
(kept on the report); ``render_html`` draws the document from that snapshot only, so the PDF and
the frozen figures cannot disagree; ``render_pdf`` turns it into PDF.

WeasyPrint never goes to the network: ``StaticFilesFetcher`` serves the project's static files
(fonts, the print stylesheet) from disk and refuses every other URL; one ``FontConfiguration`` is
shared by every rendering of the process.
"""

import hashlib
import logging
import mimetypes
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import AnnualReport
from ..statistics import presentation as presentation_of
from .snapshot import collect

logger = logging.getLogger(__name__)
# WeasyPrint reports each layout step at INFO level: too chatty for a worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# The stylesheet and fonts are addressed under this base; nothing else is ever fetched.
STATIC_BASE_URL = "https://bilan.passerelle.invalid/static/"

STEPS = {
    "collect": (10, "Collecte des chiffres de l'année"),
    "layout": (35, "Mise en page du document"),
    "render": (55, "Rendu du PDF"),
    "store": (90, "Enregistrement du fichier"),
}


# --- Network-free resources ------------------------------------------------------------------


class RefusedURL(ValueError):
    """WeasyPrint asked for something that is not one of the project's static files."""


def make_url_fetcher():
    """A WeasyPrint URL fetcher that reads the project's static files from disk, and only them."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=["https"], allow_redirects=False)
            self.refused = []

        def fetch(self, url, headers=None):
            path = static_path(url)
            if path is None:
                self.refused.append(url)
                logger.warning("bilan PDF: refused to fetch %s", url[:200])
                raise RefusedURL(f"refused: {url[:200]}")
            mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if path.suffix == ".woff2":
                mime_type = "font/woff2"
            elif path.suffix == ".woff":
                mime_type = "font/woff"
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": mime_type}
            )

    return StaticFilesFetcher()


def static_path(url):
    """The file on disk behind a static URL of the bilan, or None for any other URL."""
    if not url.startswith(STATIC_BASE_URL):
        return None
    relative = url[len(STATIC_BASE_URL) :].split("?")[0].split("#")[0]
    if not relative or ".." in relative.split("/") or relative.startswith("/"):
        return None
    found = finders.find(relative)
    if not found:
        return None
    return Path(found)


_font_config = None


def font_config():
    """One FontConfiguration per process, shared by every rendering."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


# --- Presentation of the figures ---------------------------------------------------------------


def presentation(snapshot):
    """What the template needs beyond the snapshot: the statistics page's own tables and charts
    (``governance.statistics.presentation``), printed the French way."""
    figures = snapshot["statistics"]
    tables = presentation_of.tables(figures)
    drawn = presentation_of.charts(figures)
    summary, *breakdowns = tables
    previous = snapshot.get("previous_statistics") or {}
    cumulative = snapshot.get("cumulative_statistics") or {}
    return {
        "key_figures": [
            {
                "key": key,
                "label": row[0],
                "value": presentation_of.cell(row[1], key),
                "previous": presentation_of.cell(previous.get(key), key) if previous else "—",
                "cumulative": presentation_of.cell(cumulative.get(key), key) if cumulative else "—",
            }
            for key, row in zip(presentation_of.SUMMARY_KEYS, summary["rows"], strict=True)
        ],
        "breakdowns": [
            {
                "wide": len(table["columns"]) > 4,
                "key": table["slug"],
                "title": table["title"],
                "columns": table["columns"],
                "rows": [
                    [row[0], *(presentation_of.cell(value) for value in row[1:])]
                    for row in table["rows"]
                ],
                "chart": drawn.get(table["slug"], ""),
            }
            for table in breakdowns
        ],
    }


# --- Rendering ---------------------------------------------------------------------------------


def render_html(snapshot):
    return render_to_string(
        "governance/bilan/pdf.html",
        {"s": snapshot, "p": presentation(snapshot), "static_base": STATIC_BASE_URL},
    )


def render_pdf(html):
    """A tagged PDF (PDF/UA-1: structure tree, document language from ``<html lang>``), so that
    a screen reader reads the bilan in order, its tables as tables."""
    from weasyprint import HTML

    return HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=make_url_fetcher()).write_pdf(
        font_config=font_config(), pdf_variant="pdf/ua-1"
    )


def file_name(report, validated=False):
    """One name per report: a takeover by another worker overwrites, never adds, a file. The
    validated document has a name of its own (the draft stays as it was generated)."""
    agreement = report.agreement
    suffix = "-valide" if validated else ""
    return (
        f"bilans/{agreement.pk}/{report.year}/"
        f"bilan-{agreement.department.code}-{report.year}-v{report.version}{suffix}.pdf"
    )


def store(report, pdf, validated=False):
    name = file_name(report, validated)
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(pdf))
    if saved != name:
        # Someone wrote the same name in between (storage picked another): keep ours, once.
        default_storage.delete(name)
        default_storage.delete(saved)
        saved = default_storage.save(name, ContentFile(pdf))
    return saved


def generate(report_id, on_step=lambda key, progress, label: None):
    """Collects, renders and stores the bilan of a report claimed by this worker."""
    from . import actions

    report = AnnualReport.objects.select_related("agreement__department").get(pk=report_id)

    def step(key):
        progress, text = STEPS[key]
        on_step(key, progress, _(text))

    step("collect")
    snapshot = collect(report)
    step("layout")
    html = render_html(snapshot)
    step("render")
    pdf = render_pdf(html)
    step("store")
    name = store(report, pdf)
    actions.complete(report_id, name, hashlib.sha256(pdf).hexdigest(), snapshot)
    return name


class MissingPdf(Exception):
    """The report's row says its PDF exists, the storage does not have it (a database restored
    without its files)."""

    message = gettext_lazy(
        "Le fichier PDF de ce bilan est introuvable : la base a sans doute été restaurée sans "
        "ses fichiers. Demandez une nouvelle génération : elle fera une nouvelle version."
    )


def pdf_response(report):
    """The stored PDF as a download (pages and API); ``MissingPdf`` when the file is gone."""
    try:
        handle = report.pdf.open("rb")
    except (FileNotFoundError, ValueError):  # ValueError: no file recorded on the row
        raise MissingPdf from None
    response = FileResponse(
        handle,
        content_type="application/pdf",
        as_attachment=True,
        filename=f"bilan-{report.agreement.department.code}-{report.year}-v{report.version}.pdf",
    )
    response["Cache-Control"] = "no-store"
    return response
