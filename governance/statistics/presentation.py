"""The statistics as tables (page, CSV, XLSX) and charts: one description, three renderings."""

import io

from django.utils.translation import gettext as _

from beneficiaries.models import PermitKind, SpeDecision
from core.spreadsheets import csv_bytes, neutralise
from referrals.models import Outcome, RefusalReason, Status

from . import charts as svg
from .figures import FIGURE_LABELS, PUBLIC_LABELS, SLICE_FIGURES

MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
SUMMARY_KEYS = (
    "cir_signatories",
    "interviews",
    "end_of_cir_interviews",
    "referrals_sent",
    "referrals_accepted",
    "referrals_refused",
    "referrals_closed",
    "acceptance_rate",
    "median_days_to_answer",
    "median_days_to_first_appointment",
    "overdue",
    "answered_late",
)


def _shown(value):
    return "—" if value is None else value


def _slice_columns():
    return [str(FIGURE_LABELS[figure]) for figure in SLICE_FIGURES]


def tables(figures):
    """Every table of the statistics page: {slug, title, columns, rows}."""
    status_labels = dict(Status.choices)
    status_labels["accepted"] = _("Acceptées (y compris en accompagnement ou clôturées)")
    result = [
        {
            "slug": "synthese",
            "title": _("Chiffres clés"),
            "columns": [_("Indicateur"), _("Valeur")],
            "rows": [[str(FIGURE_LABELS[key]), _shown(figures[key])] for key in SUMMARY_KEYS],
        },
        {
            "slug": "decisions",
            "title": _("Décisions SPE à l'issue de l'entretien personnalisé"),
            "columns": [_("Décision"), _("Entretiens")],
            "rows": [
                [str(label), figures["spe_decisions"][code]] for code, label in SpeDecision.choices
            ],
        },
        {
            "slug": "statuts",
            "title": _("Orientations par état"),
            "columns": [_("État"), _("Orientations")],
            "rows": [
                [str(status_labels[code]), value]
                for code, value in figures["referrals_by_status"].items()
            ],
        },
        {
            "slug": "partenaires",
            "title": _("Orientations par partenaire"),
            "columns": [
                _("Partenaire"),
                _("Envoyées"),
                _("Acceptées"),
                _("Refusées"),
                _("En retard"),
                _("Taux d'acceptation (%)"),
            ],
            "rows": [
                [
                    p["name"],
                    p["referrals_sent"],
                    p["referrals_accepted"],
                    p["referrals_refused"],
                    p["overdue"],
                    _shown(p["acceptance_rate"]),
                ]
                for p in figures["by_partner"]
            ],
        },
        {
            "slug": "motifs",
            "title": _("Motifs de refus"),
            "columns": [_("Motif"), _("Orientations refusées")],
            "rows": [
                [str(label), figures["refusal_reasons"][code]]
                for code, label in RefusalReason.choices
            ],
        },
        {
            "slug": "issues",
            "title": _("Issues des orientations clôturées"),
            "columns": [_("Issue"), _("Orientations")],
            "rows": [[str(label), figures["outcomes"][code]] for code, label in Outcome.choices],
        },
        {
            "slug": "publics",
            "title": _("Par public"),
            "columns": [_("Public"), *_slice_columns()],
            "rows": [
                [str(PUBLIC_LABELS[public]), *(values[f] for f in SLICE_FIGURES)]
                for public, values in figures["by_public"].items()
            ],
        },
        {
            "slug": "titres",
            "title": _("Par titre de séjour"),
            "columns": [_("Titre de séjour"), *_slice_columns()],
            "rows": [
                [str(label), *(figures["by_permit_kind"][code][f] for f in SLICE_FIGURES)]
                for code, label in PermitKind.choices
            ],
        },
        {
            "slug": "mois",
            "title": _("Par mois"),
            "columns": [_("Mois"), *_slice_columns()],
            "rows": [
                [MONTHS[m["month"] - 1], *(m[f] for f in SLICE_FIGURES)]
                for m in figures["by_month"]
            ],
        },
    ]
    for table in result:
        table["columns"] = [str(column) for column in table["columns"]]
        table["title"] = str(table["title"])
    return result


def charts(figures):
    """SVG charts keyed by the slug of the table they illustrate."""
    year = figures["year"]
    return {
        "mois": svg.line_chart(
            _("Signataires du CIR et orientations par mois, %(year)s") % {"year": year},
            MONTHS,
            {
                str(FIGURE_LABELS["cir_signatories"]): [
                    m["cir_signatories"] for m in figures["by_month"]
                ],
                str(FIGURE_LABELS["referrals_sent"]): [
                    m["referrals_sent"] for m in figures["by_month"]
                ],
            },
            desc=_("Courbes mensuelles ; le tableau à côté donne les mêmes chiffres."),
        ),
        "partenaires": svg.bar_chart(
            _("Orientations envoyées et acceptées par partenaire, %(year)s") % {"year": year},
            [p["name"] for p in figures["by_partner"]],
            {
                _("Envoyées"): [p["referrals_sent"] for p in figures["by_partner"]],
                _("Acceptées"): [p["referrals_accepted"] for p in figures["by_partner"]],
            },
            desc=_("Barres par partenaire ; le tableau à côté donne les mêmes chiffres."),
        ),
        "decisions": svg.bar_chart(
            _("Décisions SPE, %(year)s") % {"year": year},
            [str(label) for _code, label in SpeDecision.choices],
            {_("Entretiens"): [figures["spe_decisions"][c] for c in SpeDecision.values]},
        ),
        "issues": svg.bar_chart(
            _("Issues des orientations clôturées, %(year)s") % {"year": year},
            [str(label) for _code, label in Outcome.choices],
            {_("Orientations"): [figures["outcomes"][c] for c in Outcome.values]},
        ),
    }


def csv_of(table):
    return csv_bytes([table["columns"], *table["rows"]])


def xlsx_of(chosen):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in chosen:
        sheet = workbook.create_sheet(title=table["slug"][:31])
        sheet.append([table["title"]])
        sheet["A1"].font = Font(bold=True)
        sheet.append(table["columns"])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table["rows"]:
            sheet.append([neutralise(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
