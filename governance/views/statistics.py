"""The statistics page and its CSV/XLSX downloads (aggregated figures only, masked as the
person's scope requires)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.access import capability_required
from partners.roles import Cap

from .. import statistics
from ..forms import (
    StatisticsFilterForm,
)
from ..models import Committee, Meeting
from ..statistics import presentation
from ..statistics.periods import quarters_begun
from ..statistics.scope import ScopeError, partners_of, statistics_scope

# --- Statistics ------------------------------------------------------------------------------


def period_shortcuts(user):
    """Links to the usual periods: the quarters of the year begun, and the time since the last
    meeting held of each committee of the person's department."""
    today = timezone.localdate()
    names = (_("1er trimestre"), _("2e trimestre"), _("3e trimestre"), _("4e trimestre"))
    links = [
        {
            "label": f"{names[index]} {today.year}",
            "from": quarter.start,
            "to": min(quarter.end, today),
        }
        for index, quarter in enumerate(quarters_begun(today.year, today))
    ]
    for kind, label in Committee.Kind.choices:
        meeting = (
            Meeting.objects.visible_to(user)
            .filter(committee__kind=kind, status=Meeting.Status.HELD, date__lte=timezone.now())
            .order_by("-date")
            .first()
        )
        if meeting is not None:
            held_on = timezone.localtime(meeting.date).date()
            links.append(
                {
                    "label": _("Depuis la dernière réunion — %(committee)s (%(date)s)")
                    % {"committee": label, "date": held_on.strftime("%d/%m/%Y")},
                    "from": held_on,
                    "to": today,
                }
            )
    return links


def _statistics_request(request):
    """(figures, form, scope) for the page and its downloads; 404 on a bad department."""
    try:
        department, _organisation, _masked = statistics_scope(request.user)
    except ScopeError as error:
        raise Http404 from error
    partners = partners_of(department)
    data = request.GET.copy()
    if not data.get("from") and not data.get("to"):
        data.setdefault("year", str(timezone.localdate().year))
    form = StatisticsFilterForm(data, partners=partners)
    if not form.is_valid():
        return None, form
    organisation = form.cleaned_data.get("organisation")
    try:
        department, organisation, masked = statistics_scope(
            request.user, organisation_id=organisation.pk if organisation else None
        )
    except ScopeError as error:
        form.add_error("organisation", error.message)
        return None, form
    figures = statistics.compute(
        department, period=form.cleaned_data["period"], organisation=organisation, masked=masked
    )
    figures["organisation_name"] = organisation.name if organisation else ""
    return figures, form


@capability_required(Cap.STATISTICS_VIEW)
def statistics_page(request):
    figures, form = _statistics_request(request)
    context = {"form": form, "figures": figures}
    if figures is not None:
        context["tables"] = presentation.tables(figures)
        context["charts"] = presentation.charts(figures)
        context["query"] = request.GET.urlencode()
        context["method_notes"] = presentation.METHOD_NOTES
        context["period_label"] = presentation.period_label(figures)
    context["shortcuts"] = period_shortcuts(request.user)
    return render(request, "governance/statistics.html", context)


@capability_required(Cap.STATISTICS_VIEW)
def statistics_download(request, table, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    figures, form = _statistics_request(request)
    if figures is None:
        raise Http404
    tables = {t["slug"]: t for t in presentation.tables(figures)}
    if table not in tables and table != "all":
        raise Http404
    chosen = list(tables.values()) if table == "all" else [tables[table]]
    span = figures["year"] or f"{figures['period']['from']}-{figures['period']['to']}"
    name = f"statistiques-{figures['department']}-{span}-{table}"
    if fmt == "csv":
        if len(chosen) != 1:
            raise Http404
        response = HttpResponse(
            presentation.csv_of(chosen[0]), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        presentation.xlsx_of(chosen),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
