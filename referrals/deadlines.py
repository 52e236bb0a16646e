"""The answer deadline of a referral: a number of working days (no weekends, no French public
holidays) after it was sent."""

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.conf import settings
from django.utils import timezone


def easter_sunday(year):
    """Gregorian Easter (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    line = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * line) // 451
    month = (h + line - 7 * m + 114) // 31
    day = (h + line - 7 * m + 114) % 31 + 1
    return date(year, month, day)


@lru_cache(maxsize=32)
def french_public_holidays(year):
    easter = easter_sunday(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    return frozenset(
        [date(year, month, day) for month, day in fixed]
        + [easter + timedelta(days=1), easter + timedelta(days=39), easter + timedelta(days=50)]
    )


def is_working_day(day):
    return day.weekday() < 5 and day not in french_public_holidays(day.year)


def add_working_days(day, count):
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def answer_due_at(sent_at, working_days=None):
    """The end (local time) of the n-th working day after the day ``sent_at`` falls on."""
    if working_days is None:
        working_days = settings.REFERRAL_ANSWER_WORKING_DAYS
    day = add_working_days(timezone.localdate(sent_at), working_days)
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
