"""Indicators of the action plan against their targets."""

from decimal import Decimal

from . import statistics
from .models import Indicator

# Figures where less is better: the target is a ceiling.
LOWER_IS_BETTER = {
    "median_days_to_answer",
    "median_days_to_first_appointment",
    "overdue",
    "answered_late",
}


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


def _number(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    return Decimal(str(value))


def indicator_rows(agreement, actions, year):
    """[{action, indicators: [{indicator, target, value, comment, progress}]}].

    Computed indicators read the department's statistics of the year (masked: the plan is read
    by every partner); manual ones their entered value. ``actions`` prefetch their indicators
    with the years of ``year`` only.
    """
    actions = list(actions)
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
                comment = ""
            else:
                value = entry.value if entry else None
                comment = entry.comment if entry else ""
            number = _number(value)
            progress = progress_of(number, target, indicator.statistic in LOWER_IS_BETTER)
            indicators.append(
                {
                    "indicator": indicator,
                    "target": target,
                    "value": value,
                    "comment": comment,
                    "progress": progress,
                    "bar": min(progress or 0, 100),
                }
            )
        rows.append({"action": action, "indicators": indicators})
    return rows
