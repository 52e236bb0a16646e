"""The action plan: its actions and indicators for a year, against their targets.

The one "reached" rule lives here: a target is reached when the value is at least the target,
or, for a figure where less is better (a ceiling: a delay, a number of late answers), when the
value does not exceed it. The action-plan page, its CSV/XLSX export and the bilan PDF all read
``indicator_rows`` and print the same verdict label.
"""

from decimal import Decimal

from django.db.models import Prefetch, TextChoices
from django.utils.translation import gettext_lazy as _

from . import statistics
from .models import Action, Indicator, IndicatorYear

# Figures where less is better: the target is a ceiling.
LOWER_IS_BETTER = {
    "median_days_to_answer",
    "median_days_to_first_appointment",
    "overdue",
    "answered_late",
    "oriented_not_referred",
}


class Verdict(TextChoices):
    REACHED = "reached", _("Atteint")
    NOT_REACHED = "not_reached", _("Non atteint")
    UNKNOWN = "unknown", _("Non évaluable")


def is_ceiling(indicator):
    """Whether the target of ``indicator`` is a ceiling (less is better)."""
    return indicator.statistic in LOWER_IS_BETTER


def progress_of(value, target, lower_is_better=False):
    """Per cent of the target reached (a ceiling when less is better), or None."""
    if value is None or target is None:
        return None
    if lower_is_better:
        if value <= target:
            return 100
        return int(target / value * 100)
    if not target:
        return None
    return int(min(value / target * 100, 999))


def reached(value, target, lower_is_better=False):
    """True when the target is reached, False when not, None when it cannot be judged (no
    target, no value, or a masked figure)."""
    value = _number(value)
    if value is None or target is None:
        return None
    return value <= target if lower_is_better else value >= target


def verdict(value, target, lower_is_better=False):
    judged = reached(value, target, lower_is_better)
    if judged is None:
        return Verdict.UNKNOWN
    return Verdict.REACHED if judged else Verdict.NOT_REACHED


def _number(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    return Decimal(str(value))


def actions_of(agreement, year):
    """The actions of the plan with their indicators and the targets of ``year`` (3 queries)."""
    return (
        Action.objects.filter(agreement=agreement)
        .select_related("axis", "lead_organisation")
        .prefetch_related(
            "partner_organisations",
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related(
                    Prefetch("years", queryset=IndicatorYear.objects.filter(year=year))
                ),
            ),
        )
    )


def indicator_rows(agreement, actions, year, figures=None):
    """[{action, indicators: [{indicator, target, value, comment, progress, bar, ceiling,
    reached, verdict}]}].

    Computed indicators read the department's statistics of the year (masked: the plan is read
    by every partner; ``figures`` when the caller already has them); manual ones their entered
    value. ``actions`` prefetch their indicators with the years of ``year`` only (``actions_of``).
    """
    actions = list(actions)
    if figures is None:
        computed = any(
            i.source == Indicator.Source.COMPUTED for a in actions for i in a.indicators.all()
        )
        figures = statistics.compute(agreement.department, year) if computed else {}
    rows = []
    for action in actions:
        indicators = []
        for indicator in action.indicators.all():
            entry = next(iter(indicator.years.all()), None)
            target = entry.target if entry else None
            if indicator.source == Indicator.Source.COMPUTED:
                value = statistics.value_of(figures, indicator.statistic)
            else:
                value = entry.value if entry else None
            # The lead organisation's comment on the year, whatever the source of the value.
            comment = entry.comment if entry else ""
            ceiling = is_ceiling(indicator)
            progress = progress_of(_number(value), target, ceiling)
            indicators.append(
                {
                    "indicator": indicator,
                    "target": target,
                    "value": value,
                    "comment": comment,
                    "progress": progress,
                    "bar": min(progress or 0, 100),
                    "ceiling": ceiling,
                    "reached": reached(value, target, ceiling),
                    "verdict": verdict(value, target, ceiling),
                }
            )
        rows.append({"action": action, "indicators": indicators})
    return rows
