"""The annual bilan as a document: figures frozen in a snapshot, HTML, then PDF (WeasyPrint).

``collect`` gathers every figure the document prints into one JSON-serialisable dict (the
snapshot kept on the report); ``render_html`` draws the document from that snapshot only, so the
PDF and the frozen figures cannot disagree; ``render_pdf`` turns it into PDF.

WeasyPrint never goes to the network: ``StaticFilesFetcher`` serves the project's static files
(fonts, the print stylesheet) from disk and refuses every other URL; one ``FontConfiguration`` is
shared by every rendering of the process.
"""

import hashlib
import logging
import mimetypes
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import PermitKind
from partners.models import OrganisationKind
from referrals.models import Outcome, RefusalReason
from referrals.models import Status as ReferralStatus

from ..models import Action, AnnualReport, Committee, FollowUpItem, IndicatorYear, Meeting
from ..statistics import presentation

logger = logging.getLogger(__name__)
# WeasyPrint reports each layout step at INFO level: too chatty for a worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# The stylesheet and fonts are addressed under this base; nothing else is ever fetched.
STATIC_BASE_URL = "https://bilan.passerelle.invalid/static/"
MASKED = "< 5"

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


# --- Figures -----------------------------------------------------------------------------------


def compute_statistics(department, year):
    """Every figure of the year, masked (the bilan leaves the organisations that own the records)."""
    from ..statistics import figures as statistics

    return statistics.compute(department, year, masked=True)


def statistics_notes():
    """Definitions of the figures: the statistics module's own (its docstring, in French)."""
    from ..statistics import figures as statistics

    notes = getattr(statistics, "METHOD_NOTES", None)
    if notes:
        return [str(note) for note in notes]
    return [(statistics.__doc__ or "").strip()]


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.isoformat()
    return value


def _committees(agreement, year):
    """Meetings of the year per committee against the cadence the agreement requires."""
    held = Q(meetings__date__year=year, meetings__status=Meeting.Status.HELD)
    committees = Committee.objects.filter(agreement=agreement).annotate(
        held=Count("meetings", filter=held),
        planned=Count(
            "meetings",
            filter=Q(meetings__date__year=year, meetings__status=Meeting.Status.PLANNED),
        ),
        cancelled=Count(
            "meetings",
            filter=Q(meetings__date__year=year, meetings__status=Meeting.Status.CANCELLED),
        ),
    )
    meetings = (
        Meeting.objects.filter(committee__agreement=agreement, date__year=year)
        .select_related("committee")
        .prefetch_related("decisions")
        .order_by("date")
    )
    by_committee = {}
    for meeting in meetings:
        by_committee.setdefault(meeting.committee_id, []).append(
            {
                "date": timezone.localtime(meeting.date).date(),
                "place": meeting.place,
                "status": meeting.get_status_display(),
                "decisions": [decision.text for decision in meeting.decisions.all()],
            }
        )
    return [
        {
            "kind": committee.kind,
            "label": committee.get_kind_display(),
            "chair": committee.chair,
            "required": committee.required_per_year,
            "held": committee.held,
            "planned": committee.planned,
            "cancelled": committee.cancelled,
            "behind": committee.held < committee.required_per_year,
            "meetings": by_committee.get(committee.pk, []),
        }
        for committee in committees
    ]


def _overdue_items(agreement, today):
    items = (
        FollowUpItem.objects.filter(
            meeting__committee__agreement=agreement,
            status=FollowUpItem.Status.OPEN,
            due_on__lt=today,
        )
        .select_related("owner", "meeting__committee")
        .order_by("due_on")
    )
    return [
        {
            "description": item.description,
            "owner": item.owner.name,
            "due_on": item.due_on,
            "meeting": str(item.meeting),
            "days_late": (today - item.due_on).days,
        }
        for item in items
    ]


def _indicator_value(indicator, year_row, figures):
    from ..statistics import figures as statistics

    if indicator.source == indicator.Source.COMPUTED:
        return statistics.value_of(figures, indicator.statistic)
    return year_row.value if year_row else None


def _reached(value, target):
    if value is None or target is None or isinstance(value, str):
        return None
    return Decimal(str(value)) >= target


def _actions(agreement, year, figures):
    actions = (
        Action.objects.filter(agreement=agreement)
        .select_related("axis", "lead_organisation")
        .prefetch_related("partner_organisations", "indicators")
    )
    targets = {
        row.indicator_id: row
        for row in IndicatorYear.objects.filter(indicator__action__agreement=agreement, year=year)
    }
    result = []
    for action in actions:
        indicators = []
        for indicator in action.indicators.all():
            row = targets.get(indicator.pk)
            value = _indicator_value(indicator, row, figures)
            target = row.target if row else None
            indicators.append(
                {
                    "name": indicator.name,
                    "unit": indicator.unit,
                    "source": indicator.get_source_display(),
                    "target": target,
                    "value": value,
                    "reached": _reached(value, target),
                    "comment": row.comment if row else "",
                }
            )
        result.append(
            {
                "axis": action.axis.number,
                "axis_title": action.axis.title,
                "title": action.title,
                "status": action.status,
                "status_label": action.get_status_display(),
                "lead": action.lead_organisation.name,
                "partners": [org.name for org in action.partner_organisations.all()],
                "starts_on": action.starts_on,
                "ends_on": action.ends_on,
                "indicators": indicators,
            }
        )
    return result


def collect(report):
    """Every figure and fact the document prints, as JSON-ready data (the frozen snapshot)."""
    agreement = report.agreement
    department = agreement.department
    today = timezone.localdate()
    figures = compute_statistics(department, report.year)
    snapshot = {
        "report": {"id": report.pk, "year": report.year, "version": report.version},
        "generated_on": today,
        "department": {"code": department.code, "name": department.name},
        "agreement": {
            "id": agreement.pk,
            "title": agreement.title,
            "national_framework": agreement.national_framework,
            "status": agreement.get_status_display(),
            "signed_on": agreement.signed_on,
            "starts_on": agreement.starts_on,
            "ends_on": agreement.ends_on,
            "termination_notice_on": agreement.termination_notice_on,
            "termination_effective_on": agreement.termination_effective_on,
        },
        "axes": [
            {"number": axis.number, "title": axis.title}
            for axis in agreement.axes.order_by("number")
        ],
        "signatories": [
            {
                "organisation": signatory.organisation.name,
                "representative": signatory.representative,
                "title": signatory.representative_title,
                "signed_on": signatory.signed_on,
            }
            for signatory in agreement.signatories.select_related("organisation")
        ],
        "amendments": [
            {
                "number": amendment.number,
                "signed_on": amendment.signed_on,
                "summary": amendment.summary,
            }
            for amendment in agreement.amendments.order_by("number")
        ],
        "committees": _committees(agreement, report.year),
        "overdue_items": _overdue_items(agreement, today),
        "statistics": figures,
        "actions": _actions(agreement, report.year, figures),
        "method": {"statistics": statistics_notes(), "masking": MASKED},
    }
    return _jsonable(snapshot)


# --- Presentation of the figures ---------------------------------------------------------------

FIGURES = [
    ("cir_signatories", "Signataires du CIR"),
    ("interviews", "Entretiens personnalisés"),
    ("end_of_cir_interviews", "Entretiens de fin de CIR"),
    ("oriented", "Orientés vers le SPE"),
    ("dispensed", "Dispensés d'accompagnement (à leur demande)"),
    ("referrals_sent", "Orientations envoyées aux partenaires"),
    ("referrals_accepted", "Orientations acceptées"),
    ("referrals_refused", "Orientations refusées"),
    ("referrals_closed", "Orientations clôturées"),
    ("acceptance_rate", "Taux d'acceptation"),
    ("median_days_to_answer", "Délai médian de réponse (jours)"),
    ("median_days_to_first_appointment", "Délai médian jusqu'au premier rendez-vous (jours)"),
    ("overdue", "Orientations sans réponse dans le délai"),
    ("answered_late", "Réponses hors délai"),
]
FIGURE_LABELS = dict(FIGURES) | {
    "acceptance_rate": "Taux d'acceptation (%)",
    "already_followed": "Déjà suivis",
    "not_job_seeking": "Pas en recherche d'emploi",
    "pending": "En attente",
    "accepted": "Acceptées",
    "refused": "Refusées",
    "redirected": "Réorientées",
    "cancelled": "Annulées",
    "month": "Mois",
    "partner": "Partenaire",
    "organisation": "Partenaire",
    "name": "Partenaire",
    "label": "Libellé",
    "public": "Public",
    "permit_kind": "Titre de séjour",
    "total": "Total",
    "refusal_reasons": "Motifs de refus",
    "outcomes": "Sorties",
    "bpi": "Bénéficiaires de la protection internationale",
    "women": "Femmes",
    "under_26": "Moins de 26 ans",
    "rqth": "Personnes en situation de handicap (RQTH)",
    "higher_education": "Diplômés de l'enseignement supérieur",
}
CODE_LABELS = (
    {code: str(label) for code, label in PermitKind.choices}
    | {code: str(label) for code, label in Outcome.choices}
    | {code: str(label) for code, label in RefusalReason.choices}
    | {code: str(label) for code, label in ReferralStatus.choices}
    | {code: str(label) for code, label in OrganisationKind.choices}
)
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

MONTHS_SHORT = presentation.MONTHS  # the same abbreviations as the statistics tables


def label(key, column=""):
    if column == "month" and isinstance(key, int) and 1 <= key <= 12:
        return MONTHS[key - 1]
    key = str(key)
    if key in FIGURE_LABELS:
        return FIGURE_LABELS[key]
    if key in CODE_LABELS:
        return CODE_LABELS[key]
    if len(key) == 7 and key[4] == "-" and key[:4].isdigit() and key[5:].isdigit():
        return f"{MONTHS[int(key[5:]) - 1]} {key[:4]}"
    return key.replace("_", " ").capitalize() if key.isidentifier() else key


def show(value, key=""):
    """A figure as printed: masked counts stay "< 5", rates in per cent, French decimals."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if "rate" in key and isinstance(value, int | float | Decimal):
        # Rates come in per cent, with one decimal (statistics.compute).
        return f"{float(value):.1f} %".replace(".", ",")
    if isinstance(value, float | Decimal):
        return f"{float(value):.1f}".replace(".", ",").removesuffix(",0")
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return CODE_LABELS.get(value, str(value))


def table(value):
    """Any breakdown of the statistics module as (columns, rows) of printable cells.

    Accepts {code: count}, {code: {figure: count}} and [{"month"|"partner"|…: …, figure: …}].
    """
    if isinstance(value, dict):
        items = list(value.items())
        if all(not isinstance(v, dict | list) for _k, v in items):
            return [_("Libellé"), _("Nombre")], [[label(k), show(v, str(k))] for k, v in items]
        keys = []
        for _k, v in items:
            for inner in v if isinstance(v, dict) else []:
                if inner not in keys:
                    keys.append(inner)
        columns = [""] + [label(k) for k in keys]
        rows = [[label(k)] + [show(v.get(c), c) for c in keys] for k, v in items]
        return columns, rows
    if isinstance(value, list) and value and isinstance(value[0], dict):
        keys = []
        for row in value:
            for key in row:
                # Identifiers and kinds are for machines; the name says it for people.
                if key not in keys and key not in ("id", "kind", "organisation"):
                    keys.append(key)
        return (
            [label(k) for k in keys],
            [
                [
                    label(row.get(k), k) if i == 0 else show(row.get(k), k)
                    for i, k in enumerate(keys)
                ]
                for row in value
            ],
        )
    return [], []


def _chart_label(text):
    # A typographic apostrophe: charts.py shortens labels after escaping them, and would cut
    # the entity of a straight one in half.
    return str(text).replace("'", "\u2019")


def _series(rows, figures, key_of, label_column=""):
    """Labels and {figure label: [values]} for governance.charts, from a printed breakdown."""
    labels = [_chart_label(label(key_of(row), label_column)) for row in rows]
    series = {FIGURE_LABELS.get(f, f): [values.get(f) for values in rows] for f in figures}
    return labels, series


def charts_of(figures):
    """The SVG charts of the activity section, drawn by governance.charts from the same figures
    the tables print (masked values are drawn as empty bars labelled "< 5")."""
    from ..statistics import charts

    drawn = {}
    by_month = figures.get("by_month")
    if isinstance(by_month, list) and by_month:
        labels, series = _series(
            by_month,
            ["cir_signatories", "interviews", "referrals_sent"],
            lambda row: row["month"],
            "month",
        )
        labels = [MONTHS_SHORT[row["month"] - 1] for row in by_month]
        drawn["by_month"] = charts.bar_chart(_("Activité mois par mois"), labels, series)
    by_partner = figures.get("by_partner")
    if isinstance(by_partner, list) and by_partner:
        labels, series = _series(
            by_partner, ["referrals_sent", "referrals_accepted"], lambda row: row.get("name")
        )
        drawn["by_partner"] = charts.bar_chart(_("Orientations par partenaire"), labels, series)
    for key, title in [
        ("by_public", _("Signataires du CIR et orientations, par public")),
        ("by_permit_kind", _("Signataires du CIR et orientations, par titre de séjour")),
    ]:
        value = figures.get(key)
        if isinstance(value, dict) and value:
            rows = [dict(v, key=k) for k, v in value.items() if isinstance(v, dict)]
            labels, series = _series(
                rows, ["cir_signatories", "referrals_sent"], lambda row: row["key"]
            )
            drawn[key] = charts.bar_chart(title, labels, series)
    for key, title in [("outcomes", _("Sorties")), ("refusal_reasons", _("Motifs de refus"))]:
        value = figures.get(key)
        if isinstance(value, dict) and value:
            # Many categories with long names: a wider drawing keeps their labels apart.
            drawn[key] = charts.bar_chart(
                title,
                [_chart_label(label(k)) for k in value],
                {_("Orientations"): list(value.values())},
                width=1000,
            )
    return drawn


def presentation(snapshot):
    """What the template needs beyond the snapshot: printable tables and charts."""
    figures = snapshot["statistics"]
    drawn = charts_of(figures)
    breakdowns = []
    for key, title in [
        ("by_month", _("Activité mois par mois")),
        ("by_partner", _("Orientations par partenaire")),
        ("by_public", _("Par public spécifique")),
        ("by_permit_kind", _("Par titre de séjour")),
        ("spe_decisions", _("Décisions SPE des entretiens")),
        ("referrals_by_status", _("Orientations par état")),
        ("outcomes", _("Sorties des accompagnements")),
        ("refusal_reasons", _("Motifs de refus")),
    ]:
        if key not in figures:
            continue
        columns, rows = table(figures[key])
        breakdowns.append(
            {
                "wide": len(columns) > 4,
                "key": key,
                "title": title,
                "columns": columns,
                "rows": rows,
                "chart": drawn.get(key, ""),
            }
        )
    return {
        "key_figures": [
            {"key": key, "label": name, "value": show(figures.get(key), key)}
            for key, name in FIGURES
            if key in figures
        ],
        "breakdowns": breakdowns,
    }


# --- Rendering ---------------------------------------------------------------------------------


def render_html(snapshot):
    return render_to_string(
        "governance/bilan/pdf.html",
        {"s": snapshot, "p": presentation(snapshot), "static_base": STATIC_BASE_URL},
    )


def render_pdf(html):
    from weasyprint import HTML

    return HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=make_url_fetcher()).write_pdf(
        font_config=font_config()
    )


def file_name(report):
    """One name per report: a takeover by another worker overwrites, never adds, a file."""
    agreement = report.agreement
    return (
        f"bilans/{agreement.pk}/{report.year}/"
        f"bilan-{agreement.department.code}-{report.year}-v{report.version}.pdf"
    )


def store(report, pdf):
    name = file_name(report)
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
