"""What the annual bilan prints, frozen: one JSON-serialisable dict kept on the report.

It calls the governance queries (statistics, committees' cadence, overdue follow-up items) and the
action plan's rules (``governance.plan``); it re-implements none of them.
"""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from .. import plan, queries, statistics
from ..models import ActionYear, BilanDraft, Indicator, IndicatorYear, Meeting
from ..statistics import presentation
from ..statistics.masking import MASKED
from ..statistics.periods import Period


def compute_statistics(department, year):
    """Every figure of the year, masked (the bilan leaves the organisations that own the records)."""
    return statistics.compute(department, year, masked=True)


def statistics_notes():
    """Definitions of the figures: the statistics page's own."""
    return [str(note) for note in presentation.METHOD_NOTES]


def jsonable(value):
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.isoformat()
    return value


def _committees(agreement, year):
    """Meetings of the year per committee against the cadence the agreement requires
    (``queries.cadence``)."""
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
            "kind": row["committee"].kind,
            "label": row["committee"].get_kind_display(),
            "chair": row["committee"].chair,
            "required": row["required"],
            "held": row["held"],
            "planned": row["planned"],
            "cancelled": row["cancelled"],
            "behind": row["behind"],
            "meetings": by_committee.get(row["committee"].pk, []),
        }
        for row in queries.cadence(agreement, year)
    ]


def overdue_items(agreement, today, items=None):
    """The overdue follow-up items (``items``: as they stood at an earlier day)."""
    if items is None:
        items = queries.overdue_follow_ups(agreement, today)
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


def _manual_values(agreement, year):
    """{indicator id: (value of year - 1, sum of the values up to ``year``)} of the manual
    indicators (one query)."""
    values = {}
    for indicator_id, entry_year, value in IndicatorYear.objects.filter(
        indicator__action__agreement=agreement, year__lte=year, value__isnull=False
    ).values_list("indicator_id", "year", "value"):
        previous, total = values.get(indicator_id, (None, 0))
        values[indicator_id] = (value if entry_year == year - 1 else previous, total + value)
    return values


def actions_of_year(agreement, year, figures=None, previous=None, cumulative=None):
    """The action plan of the year, judged by the action plan's own rule (``plan``), with each
    indicator's value of the previous year and since the agreement started (when given the
    figures of those periods), and the comments of the actions' lead organisations."""
    rows = plan.indicator_rows(agreement, plan.actions_of(agreement, year), year, figures)
    comments = dict(
        ActionYear.objects.filter(action__agreement=agreement, year=year).values_list(
            "action_id", "comment"
        )
    )
    manual = _manual_values(agreement, year)

    def beside(entry):
        indicator = entry["indicator"]
        if indicator.source == Indicator.Source.COMPUTED:
            return {
                "previous": statistics.value_of(previous, indicator.statistic)
                if previous
                else None,
                "cumulative": statistics.value_of(cumulative, indicator.statistic)
                if cumulative
                else None,
            }
        last, total = manual.get(indicator.pk, (None, None))
        return {"previous": last, "cumulative": total}

    return [
        {
            "axis": row["action"].axis.number,
            "axis_title": row["action"].axis.title,
            "title": row["action"].title,
            "status": row["action"].status,
            "status_label": row["action"].get_status_display(),
            "lead": row["action"].lead_organisation.name,
            "partners": [org.name for org in row["action"].partner_organisations.all()],
            "starts_on": row["action"].starts_on,
            "ends_on": row["action"].ends_on,
            "comment": comments.get(row["action"].pk, ""),
            "indicators": [
                {
                    "name": entry["indicator"].name,
                    "unit": entry["indicator"].unit,
                    "source": entry["indicator"].get_source_display(),
                    "target": entry["target"],
                    "value": entry["value"],
                    "ceiling": entry["ceiling"],
                    "reached": entry["reached"],
                    "verdict": str(entry["verdict"].label),
                    "comment": entry["comment"],
                    **beside(entry),
                }
                for entry in row["indicators"]
            ],
        }
        for row in rows
    ]


def collect(report):
    """Every figure and fact the document prints, as JSON-ready data (the frozen snapshot)."""
    agreement = report.agreement
    department = agreement.department
    today = timezone.localdate()
    # The governance chapter shows the state at the end of the year covered.
    as_of = min(today, date(report.year, 12, 31))
    figures = compute_statistics(department, report.year)
    previous = None
    if report.year - 1 >= agreement.starts_on.year:
        previous = compute_statistics(department, report.year - 1)
    cumulative = statistics.compute(
        department, period=Period(agreement.starts_on, date(report.year, 12, 31))
    )
    draft = BilanDraft.objects.filter(agreement=agreement, year=report.year).first()
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
        "as_of": as_of,
        "overdue_items": overdue_items(
            agreement, as_of, queries.open_follow_ups_at(agreement, as_of)
        ),
        "previous_statistics": previous,
        "cumulative_statistics": cumulative,
        "cumulative_from": agreement.starts_on,
        "draft": {
            "summary": draft.summary if draft else "",
            "highlights": draft.highlights if draft else "",
        },
        "statistics": figures,
        "actions": actions_of_year(agreement, report.year, figures, previous, cumulative),
        "method": {"statistics": statistics_notes(), "masking": MASKED},
    }
    return jsonable(snapshot)
