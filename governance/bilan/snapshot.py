"""What the annual bilan prints, frozen: one JSON-serialisable dict kept on the report.

It calls the governance queries (statistics, committees' cadence, overdue follow-up items) and the
action plan's rules (``governance.plan``); it re-implements none of them.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from ..models import Action, Committee, FollowUpItem, IndicatorYear, Meeting
from ..statistics import presentation
from ..statistics.masking import MASKED


def compute_statistics(department, year):
    """Every figure of the year, masked (the bilan leaves the organisations that own the records)."""
    from .. import statistics

    return statistics.compute(department, year, masked=True)


def statistics_notes():
    """Definitions of the figures: the statistics page's own."""
    return [str(note) for note in presentation.METHOD_NOTES]


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
    from .. import statistics

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
