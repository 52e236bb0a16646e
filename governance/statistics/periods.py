"""The period the statistics cover: a calendar year by default, or any range of days (a quarter,
the time since the last meeting of a committee).

A ``Period`` runs from ``start`` to ``end``, both included. Its months are the calendar months it
touches, clipped to the period; a month that has not begun on ``today`` is a *structural zero*
(nothing can have happened in it yet): masking never hides it nor uses it as a complement.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from core.dates import months_after


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def year(cls, year):
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def quarter(cls, year, quarter):
        start = dt.date(year, 3 * (quarter - 1) + 1, 1)
        return cls(start, months_after(start, 3) - dt.timedelta(days=1))

    @property
    def is_year(self):
        return (
            self.start.year == self.end.year
            and (self.start.month, self.start.day) == (1, 1)
            and (self.end.month, self.end.day) == (12, 31)
        )

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def months(self):
        """[(year, month, first day, day after the last)] of the months the period touches,
        clipped to the period."""
        result = []
        first = self.start.replace(day=1)
        while first <= self.end:
            following = months_after(first, 1)
            result.append(
                (
                    first.year,
                    first.month,
                    max(first, self.start),
                    min(following, self.end + dt.timedelta(days=1)),
                )
            )
            first = following
        return result

    def previous(self):
        """The period of the same length just before (the previous year for a year)."""
        if self.is_year:
            return Period.year(self.start.year - 1)
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def as_dict(self):
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}

    def label(self):
        if self.is_year:
            return str(self.start.year)
        return _("du %(start)s au %(end)s") % {
            "start": formats.date_format(self.start, "j F Y"),
            "end": formats.date_format(self.end, "j F Y"),
        }


def quarters_begun(year, today):
    """The quarters of ``year`` that have begun on ``today``."""
    return [
        Period.quarter(year, quarter)
        for quarter in range(1, 5)
        if Period.quarter(year, quarter).start <= today
    ]


MAX_DAYS = 5 * 366


def period_errors(year, start, end):
    """The French messages, by field, that make (year, from, to) not a period (empty if it is
    one): a year, or both ends of a range of at most five years, the start first."""
    errors = {}
    if start is None and end is None:
        if year is None:
            errors["year"] = _("Indiquez une année, ou une période (du … au …).")
        return errors
    if year is not None:
        errors["year"] = _("Indiquez soit une année, soit une période, pas les deux.")
    if start is None:
        errors["from"] = _("Indiquez le début de la période.")
    if end is None:
        errors["to"] = _("Indiquez la fin de la période.")
    for field, day in (("from", start), ("to", end)):
        if day is not None and not 2000 <= day.year <= 2100:
            errors[field] = _("Choisissez une date entre 2000 et 2100.")
    if start and end and not errors:
        if end < start:
            errors["to"] = _("La fin de la période doit suivre son début.")
        elif (end - start).days >= MAX_DAYS:
            errors["to"] = _("Une période couvre au plus cinq ans.")
    return errors


def period_of(year, start, end):
    """The period of valid input (see ``period_errors``)."""
    if start is None:
        return Period.year(year)
    return Period(start, end)
