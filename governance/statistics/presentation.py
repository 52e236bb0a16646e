"""The statistics as people read them: labels (through gettext), months, tables and charts.

One description, three renderings: the statistics page, the CSV/XLSX exports and the bilan PDF
all draw ``tables(figures)`` and ``charts(figures)``, so a figure or a label cannot differ
between them. ``cell`` prints a value the French way where a renderer prints text (the PDF).
"""

import datetime as dt
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.models import PermitKind, SpeDecision
from core.publics import Public
from core.spreadsheets import csv_bytes, neutralise
from referrals.models import FollowUp, Outcome, RefusalReason, Status

from . import charts as svg
from . import life_presentation
from .figures import SLICE_FIGURES

FIGURE_LABELS = {
    "cir_signatories": gettext_lazy("Signataires du CIR"),
    "interviews": gettext_lazy("Entretiens personnalisés"),
    "end_of_cir_interviews": gettext_lazy("Entretiens de fin de CIR"),
    "oriented": gettext_lazy("Orientés vers le SPE"),
    "dispensed": gettext_lazy("Dispensés"),
    "referrals_sent": gettext_lazy("Orientations envoyées"),
    "referrals_accepted": gettext_lazy("Orientations acceptées"),
    "referrals_refused": gettext_lazy("Orientations refusées"),
    "referrals_closed": gettext_lazy("Orientations clôturées"),
    "overdue": gettext_lazy("Orientations en retard de réponse"),
    "unanswered": gettext_lazy("Orientations sans réponse (signalées à l'émetteur)"),
    "answered_late": gettext_lazy("Réponses hors délai"),
    "oriented_not_referred": gettext_lazy(
        "Orientés vers le SPE à l'entretien, sans orientation envoyée"
    ),
    "acceptance_rate": gettext_lazy("Taux d'acceptation (%)"),
    "median_days_to_answer": gettext_lazy("Délai médian de réponse (jours)"),
    "median_days_to_first_appointment": gettext_lazy(
        "Délai médian jusqu'au premier rendez-vous (jours)"
    ),
}

METHOD_NOTES = (
    gettext_lazy(
        "Signataires du CIR : dossiers du département dont le contrat d'intégration républicaine "
        "a été signé dans l'année."
    ),
    gettext_lazy(
        "Entretiens : entretiens personnalisés tenus dans l'année ; chacun porte une décision "
        "SPE (orienté, dispensé à sa demande expresse, déjà suivi, pas en recherche d'emploi)."
    ),
    gettext_lazy(
        "Orientations : orientations envoyées dans l'année par une organisation du département, "
        "suivies jusqu'à la date du calcul (acceptées : acceptées, en accompagnement ou "
        "clôturées)."
    ),
    gettext_lazy(
        "Taux d'acceptation : orientations acceptées rapportées aux orientations ayant reçu une "
        "réponse (acceptées, refusées ou réorientées)."
    ),
    gettext_lazy(
        "Délais médians : médiane, en jours, de l'écart entre l'envoi et la réponse, et entre "
        "l'envoi et le premier rendez-vous tenu."
    ),
    gettext_lazy(
        "En retard : orientations toujours sans réponse après leur date limite au moment du calcul."
    ),
    gettext_lazy(
        "Issues et motifs de refus : orientations de l'année clôturées, par issue ; refusées, "
        "par motif."
    ),
    gettext_lazy(
        "Publics : femmes ; moins de 26 ans à la date de signature du CIR ; bénéficiaires de la "
        "protection internationale (réfugiés, protection subsidiaire, apatrides) ; RQTH ; "
        "diplômés de l'enseignement supérieur. Un même dossier peut relever de plusieurs publics."
    ),
    gettext_lazy(
        "Orientés sans orientation : entretiens personnalisés de la période concluant à une "
        "orientation vers le SPE dont la personne n'a reçu aucune orientation (hors annulées)."
    ),
    gettext_lazy(
        "Suivis (article 3.2) : diagnostics approfondis, entrées en accompagnement (dont CEJ), "
        "formations complémentaires en français, demandes de reconnaissance des qualifications, "
        "entrées en formation et emplois enregistrés par les partenaires pendant la période."
    ),
    gettext_lazy(
        "Secret statistique : les effectifs de 1 à 4 sont affichés « < 5 ». Lorsqu'une case "
        "masquée pourrait être recalculée à partir du total et des autres cases de sa "
        "ventilation, la plus petite case voisine est masquée à son tour (« < 5 » ou « ≥ 5 ») ; "
        "les mois non encore commencés, nuls par construction, ne sont jamais masqués. Un taux "
        "est arrondi à l'unité et n'est affiché que s'il repose sur au moins 10 réponses ; un "
        "délai médian calculé sur moins de 5 dossiers n'est pas affiché."
    ),
)

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
    "unanswered",
    "answered_late",
    "oriented_not_referred",
)


def _shown(value):
    return "—" if value is None else value


def public_label(code):
    """The label of a public (``core.publics``)."""
    try:
        return str(Public(code).label)
    except ValueError:
        return str(code)


def cell(value, key=""):
    """A value as printed in a document: masked counts stay as they are, rates in per cent,
    French decimals, thin spaces between thousands."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if "rate" in key and isinstance(value, int | float | Decimal):
        return f"{float(value):.1f} %".replace(".", ",")
    if isinstance(value, float | Decimal):
        return f"{float(value):.1f}".replace(".", ",").removesuffix(",0")
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return str(value)


def statistic_label(key):
    """The label of a figure an indicator may be bound to (``figures.INDICATOR_STATISTICS``)."""
    if key in FIGURE_LABELS:
        return str(FIGURE_LABELS[key])
    life_label = life_presentation.label(key)
    if life_label is not None:
        return life_label
    parts = key.split(".")
    vocabularies = {
        "follow_ups": (_("Suivis"), dict(FollowUp.Kind.choices)),
        "accompaniments": (_("Accompagnements"), dict(FollowUp.Accompaniment.choices)),
        "outcomes": (_("Issues"), dict(Outcome.choices)),
        "refusal_reasons": (_("Motifs de refus"), dict(RefusalReason.choices)),
    }
    if parts[0] in vocabularies and len(parts) == 2:
        title, labels = vocabularies[parts[0]]
        return f"{title} : {labels.get(parts[1], parts[1])}"
    if len(parts) == 3:
        group = public_label(parts[1])
        if parts[0].endswith("permit_kind"):
            group = str(dict(PermitKind.choices).get(parts[1], parts[1]))
        if parts[0].startswith("outcomes"):
            return f"{group} — {_('Issues')} : {dict(Outcome.choices).get(parts[2], parts[2])}"
        return f"{group} — {FIGURE_LABELS.get(parts[2], parts[2])}"
    return key


def month_label(entry, figures):
    """ "mars" within a year, "mars 2026" when the period runs over several years."""
    label = MONTHS[entry["month"] - 1]
    period = figures.get("period") or {}
    if period and period["from"][:4] != period["to"][:4]:
        return f"{label} {entry['year']}"
    return label


def period_label(figures):
    """ "2026" for a year, "du 1 janvier 2026 au 31 mars 2026" for another period."""
    from .periods import Period

    if figures.get("year"):
        return str(figures["year"])
    period = figures["period"]
    return Period(
        dt.date.fromisoformat(period["from"]), dt.date.fromisoformat(period["to"])
    ).label()


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
                _("Délai médian de réponse (jours)"),
            ],
            "rows": [
                [
                    p["name"],
                    p["referrals_sent"],
                    p["referrals_accepted"],
                    p["referrals_refused"],
                    p["overdue"],
                    _shown(p["acceptance_rate"]),
                    _shown(p.get("median_days_to_answer")),
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
                [public_label(public), *(values[f] for f in SLICE_FIGURES)]
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
                [month_label(m, figures), *(m[f] for f in SLICE_FIGURES)]
                for m in figures["by_month"]
            ],
        },
        *breakdown_tables(figures),
    ]
    for table in result:
        table["columns"] = [str(column) for column in table["columns"]]
        table["title"] = str(table["title"])
    return result


def breakdown_tables(figures):
    """Outcomes by public and permit kind, refusal reasons and outcomes by partner, the
    follow-up facts of art. 3.2 (tables the statistics page, the spreadsheets and the PDF share)."""
    outcome_columns = [str(label) for _code, label in Outcome.choices]
    reason_columns = [str(label) for _code, label in RefusalReason.choices]
    follow_up_labels = dict(FollowUp.Kind.choices)
    tables = [
        {
            "slug": "issues-publics",
            "title": _("Issues des orientations clôturées, par public"),
            "columns": [_("Public"), *outcome_columns],
            "rows": [
                [public_label(public), *(values[code] for code in Outcome.values)]
                for public, values in figures.get("outcomes_by_public", {}).items()
            ],
        },
        {
            "slug": "issues-titres",
            "title": _("Issues des orientations clôturées, par titre de séjour"),
            "columns": [_("Titre de séjour"), *outcome_columns],
            "rows": [
                [str(label), *(figures["outcomes_by_permit_kind"][kind][c] for c in Outcome.values)]
                for kind, label in PermitKind.choices
                if kind in figures.get("outcomes_by_permit_kind", {})
            ],
        },
        {
            "slug": "motifs-partenaires",
            "title": _("Motifs de refus par partenaire"),
            "columns": [_("Partenaire"), *reason_columns],
            "rows": [
                [p["name"], *(p["refusal_reasons"][code] for code in RefusalReason.values)]
                for p in figures["by_partner"]
                if "refusal_reasons" in p
            ],
        },
        {
            "slug": "issues-partenaires",
            "title": _("Issues des orientations clôturées, par partenaire"),
            "columns": [_("Partenaire"), *outcome_columns],
            "rows": [
                [p["name"], *(p["outcomes"][code] for code in Outcome.values)]
                for p in figures["by_partner"]
                if "outcomes" in p
            ],
        },
        {
            "slug": "suivis",
            "title": _("Suivis des partenaires (article 3.2)"),
            "columns": [_("Suivi"), _("Nombre")],
            "rows": [
                [str(follow_up_labels[kind]), value]
                for kind, value in figures.get("follow_ups", {}).items()
            ],
        },
        {
            "slug": "accompagnements",
            "title": _("Entrées en accompagnement, par type"),
            "columns": [_("Accompagnement"), _("Nombre")],
            "rows": [
                [str(label), figures["accompaniments"][code]]
                for code, label in FollowUp.Accompaniment.choices
                if code in figures.get("accompaniments", {})
            ],
        },
        *life_presentation.tables(figures),
    ]
    return tables


def charts(figures):
    """SVG charts keyed by the slug of the table they illustrate."""
    year = period_label(figures)
    return {
        "mois": svg.line_chart(
            _("Signataires du CIR et orientations par mois, %(year)s") % {"year": year},
            [month_label(m, figures) for m in figures["by_month"]],
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
            width=1000,
        ),
        "motifs": svg.bar_chart(
            _("Motifs de refus, %(year)s") % {"year": year},
            [str(label) for _code, label in RefusalReason.choices],
            {
                _("Orientations refusées"): [
                    figures["refusal_reasons"][c] for c in RefusalReason.values
                ]
            },
            width=1000,
        ),
        "publics": svg.bar_chart(
            _("Signataires du CIR et orientations par public, %(year)s") % {"year": year},
            [public_label(code) for code in figures["by_public"]],
            _slices(figures["by_public"].values()),
        ),
        "titres": svg.bar_chart(
            _("Signataires du CIR et orientations par titre de séjour, %(year)s") % {"year": year},
            [str(label) for _code, label in PermitKind.choices],
            _slices(figures["by_permit_kind"][code] for code in PermitKind.values),
        ),
    }


def _slices(values):
    values = list(values)
    return {
        str(FIGURE_LABELS[figure]): [v[figure] for v in values]
        for figure in ("cir_signatories", "referrals_sent")
    }


def plan_table(rows, year):
    """The indicators of the action plan (``governance.plan.indicator_rows``) as a table: the
    page prints the same values and the same verdict."""
    return {
        "slug": "plan",
        "title": str(_("Plan d'actions — indicateurs %(year)s") % {"year": year}),
        "columns": [
            str(column)
            for column in (
                _("Axe"),
                _("Action"),
                _("Indicateur"),
                _("Unité"),
                _("Cible"),
                _("Réalisé"),
                _("Avancement (%)"),
                _("Appréciation"),
            )
        ],
        "rows": [
            [
                row["action"].axis.number,
                row["action"].title,
                entry["indicator"].name,
                entry["indicator"].unit,
                entry["target"],
                _shown(entry["value"]),
                _shown(entry["progress"]),
                str(entry["verdict"].label),
            ]
            for row in rows
            for entry in row["indicators"]
        ],
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
