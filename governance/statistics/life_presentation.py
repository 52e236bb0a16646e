"""The life of the partnership as people read it: labels and tables of ``life``'s figures, drawn
by ``presentation`` (the statistics page, the spreadsheets and the bilan PDF alike)."""

from django.utils.translation import gettext_lazy as _

from core.publics import Public

from ..life.models import Activity, Programme

LABELS = {
    "activities_total": _("Activités partenariales"),
    "activity_agents": _("Agents ayant participé aux activités partenariales"),
    "activity_people_met": _("Personnes rencontrées lors des activités partenariales"),
    "programme_entries_total": _("Entrées en programme"),
}
# Short names the indicator's choice list reads, e.g. "Permanences tenues".
ACTIVITY_LABELS = {
    Activity.Kind.IMMERSION: _("Immersions"),
    Activity.Kind.VISIT: _("Visites"),
    Activity.Kind.WORKING_MEETING: _("Réunions de travail"),
    Activity.Kind.PERMANENCE: _("Permanences tenues (SPE sur une plateforme OFII)"),
    Activity.Kind.CIVIC_TRAINING: _("Participations aux journées de formation civique"),
}


def label(key):
    """The label of a key of ``life``'s figures, or None."""
    if key in LABELS:
        return str(LABELS[key])
    parts = key.split(".")
    programmes = dict(Programme.Kind.choices)
    if parts[0] == "activities" and len(parts) == 2:
        return f"{_('Activités')} : {ACTIVITY_LABELS.get(parts[1], parts[1])}"
    if parts[0] == "programme_entries" and len(parts) == 2:
        return f"{_('Entrées en programme')} : {programmes.get(parts[1], parts[1])}"
    if parts[0] == "programme_entries_by_public" and len(parts) == 3:
        public = dict(Public.choices).get(parts[1], parts[1])
        kind = programmes.get(parts[2], parts[2])
        return f"{public} — {_('Entrées en programme')} : {kind}"
    return None


def tables(figures):
    """Activities by kind, programme entries by kind and public, jobs by employer."""
    if "activities" not in figures:
        return []
    kinds = list(Programme.Kind.choices)
    return [
        {
            "slug": "activites",
            "title": _("Activités partenariales (immersions, visites, permanences…)"),
            "columns": [_("Activité"), _("Nombre")],
            "rows": [
                [str(ACTIVITY_LABELS[code]), figures["activities"][code]]
                for code in Activity.Kind.values
            ]
            + [
                [str(_("Agents participants")), figures["activity_agents"]],
                [str(_("Personnes rencontrées")), figures["activity_people_met"]],
            ],
        },
        {
            "slug": "programmes",
            "title": _("Entrées en programme (HOPE, PIC, AGIR, CEJ, local), par public"),
            "columns": [_("Public"), *(str(label) for _code, label in kinds)],
            "rows": [[str(_("Tous")), *(figures["programme_entries"][code] for code, _l in kinds)]]
            + [
                [str(dict(Public.choices).get(public, public)), *(values[c] for c, _l in kinds)]
                for public, values in figures["programme_entries_by_public"].items()
            ],
        },
        {
            "slug": "emplois-employeurs",
            "title": _("Issues « emploi » par employeur"),
            "columns": [_("Employeur"), _("Emplois")],
            "rows": [[row["name"], row["jobs"]] for row in figures["jobs_by_employer"]],
        },
    ]
