"""The meeting pack as documents: a PDF (WeasyPrint, the bilan's fetcher, fonts and stylesheet)
and an XLSX with the same tables, both drawn from the frozen snapshot."""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ..bilan import render as bilan_render
from ..models import MeetingPack
from ..statistics import presentation
from .snapshot import collect

STEPS = {
    "collect": (10, "Collecte des chiffres depuis la réunion précédente"),
    "render": (40, "Rendu du PDF"),
    "sheets": (80, "Tableur"),
}


def tables(snapshot):
    """The tables of the pack (PDF and XLSX): evolution, statistics, plan, follow-up."""
    cell = presentation.cell
    evolution = {
        "slug": "evolution",
        "title": _("Chiffres clés : %(period)s, et période précédente")
        % {"period": snapshot["period_label"]},
        "columns": [_("Indicateur"), _("Période"), _("Période précédente"), _("Évolution")],
        "rows": [
            [row["label"], row["value"], row["previous"], row["change"]]
            for row in snapshot["evolution"]
        ],
    }
    plan = {
        "slug": "plan",
        "title": _("Plan d'actions %(year)s : avancement") % {"year": snapshot["year"]},
        "columns": [_("Action"), _("Indicateur"), _("Cible"), _("Réalisé"), _("Appréciation")],
        "rows": [
            [action["title"], i["name"], i["target"], i["value"], i["verdict"]]
            for action in snapshot["actions"]
            for i in action["indicators"]
        ],
    }
    overdue = {
        "slug": "suivi-en-retard",
        "title": _("Actions de suivi en retard"),
        "columns": [_("Action de suivi"), _("Responsable"), _("Échéance"), _("Retard (jours)")],
        "rows": [
            [i["description"], i["owner"], i["due_on"], i["days_late"]]
            for i in snapshot["overdue_items"]
        ],
    }
    decisions = {
        "slug": "decisions-a-revoir",
        "title": _("Décisions de la réunion précédente à revoir"),
        "columns": [_("Décision"), _("Action de suivi"), _("Responsable"), _("État")],
        "rows": [
            [d["text"], i["description"], i["owner"], i["status"]]
            for d in snapshot["decisions"]
            for i in d["items"] or [{"description": "", "owner": "", "status": ""}]
        ],
    }
    result = [evolution, *presentation.tables(snapshot["statistics"]), plan, overdue, decisions]
    for table in result:
        table["columns"] = [str(c) for c in table["columns"]]
        table["title"] = str(table["title"])
        table["printed"] = [[row[0], *(cell(v) for v in row[1:])] for row in table["rows"]]
    return result


def render_html(snapshot):
    return render_to_string("governance/pack/pdf.html", {"s": snapshot, "tables": tables(snapshot)})


def file_names(pack):
    base = f"dossiers/{pack.meeting_id}/dossier-seance-{pack.meeting_id}-v{pack.version}"
    return f"{base}.pdf", f"{base}.xlsx"


def _store(name, content):
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(content))


def generate(pack_id, on_step=lambda key, progress, label: None):
    from ..bilan import actions

    pack = MeetingPack.objects.select_related("meeting__committee__agreement__department").get(
        pk=pack_id
    )

    def step(key):
        progress, text = STEPS[key]
        on_step(key, progress, _(text))

    step("collect")
    snapshot = collect(pack)
    step("render")
    pdf = bilan_render.render_pdf(render_html(snapshot))
    step("sheets")
    xlsx = presentation.xlsx_of(tables(snapshot))
    pdf_name, xlsx_name = file_names(pack)
    pdf_name, xlsx_name = _store(pdf_name, pdf), _store(xlsx_name, xlsx)
    actions.complete(
        pack_id,
        pdf_name,
        hashlib.sha256(pdf).hexdigest(),
        snapshot,
        model=MeetingPack,
        xlsx=xlsx_name,
    )
    return pdf_name
