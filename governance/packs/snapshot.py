"""What a meeting pack prints, frozen as JSON on the pack: the statistics of the period and of
the one before (their evolution), the action plan of the year, the overdue follow-up items, the
decisions of the previous meeting to review. Reuses the bilan's pieces; computes nothing new."""

from django.utils import timezone

from .. import statistics
from ..bilan import snapshot as bilan_snapshot
from ..statistics import presentation
from ..statistics.periods import Period
from .actions import previous_meeting


def evolution(figures, before):
    """The key figures beside those of the previous period, with the change when both are
    shown numbers (a masked figure has no change)."""
    rows = []
    for key in presentation.SUMMARY_KEYS:
        value, previous = figures.get(key), before.get(key)
        change = None
        if isinstance(value, int | float) and isinstance(previous, int | float):
            change = round(value - previous, 1)
        rows.append(
            {
                "key": key,
                "label": str(presentation.FIGURE_LABELS[key]),
                "value": value,
                "previous": previous,
                "change": change,
            }
        )
    return rows


def _decisions(meeting):
    if meeting is None:
        return []
    return [
        {
            "text": decision.text,
            "items": [
                {
                    "description": item.description,
                    "owner": item.owner.name,
                    "due_on": item.due_on,
                    "status": item.get_status_display(),
                }
                for item in decision.items.select_related("owner")
            ],
        }
        for decision in meeting.decisions.prefetch_related("items")
    ]


def collect(pack):
    meeting = pack.meeting
    agreement = meeting.committee.agreement
    department = agreement.department
    today = timezone.localdate()
    period = Period(pack.period_start, pack.period_end)
    figures = statistics.compute(department, period=period)
    before = statistics.compute(department, period=period.previous())
    previous = previous_meeting(meeting)
    year = timezone.localdate(meeting.date).year
    data = {
        "pack": {"id": pack.pk, "version": pack.version},
        "generated_on": today,
        "department": {"code": department.code, "name": department.name},
        "agreement": {"id": agreement.pk, "title": agreement.title},
        "meeting": {
            "committee": meeting.committee.get_kind_display(),
            "date": timezone.localtime(meeting.date),
            "place": meeting.place,
            "agenda": [line for line in meeting.agenda.splitlines() if line.strip()],
            "invited": sorted(meeting.invited.values_list("name", flat=True)),
        },
        "previous_meeting": timezone.localdate(previous.date) if previous else None,
        "period": period.as_dict(),
        "period_label": period.label(),
        "previous_period": period.previous().as_dict(),
        "statistics": figures,
        "evolution": evolution(figures, before),
        "year": year,
        "actions": bilan_snapshot.actions_of_year(agreement, year),
        "overdue_items": bilan_snapshot.overdue_items(agreement, today),
        "decisions": _decisions(previous),
    }
    return bilan_snapshot.jsonable(data)
