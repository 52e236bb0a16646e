"""The answer deadline of a referral: a number of working days (no weekends, no public holidays
of the department) after it was sent.

Public holidays come from the ``holidays`` library, with the department's own calendar where it
has one: Alsace-Moselle (Moselle 57; Bas-Rhin 67 and Haut-Rhin 68, the European Collectivity of
Alsace) adds Good Friday and 26 December; each overseas department (971 to 976) has its own days
(abolition of slavery…). Every other department follows the national calendar.
"""

from datetime import datetime, time, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone

# Department code → the ``holidays.France`` subdivision with its own calendar.
SUBDIVISIONS = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "975": "PM",
    "976": "976",
}


@lru_cache(maxsize=64)
def public_holidays(department=None):
    """The public holidays of a department (its code; ``None``: the national calendar)."""
    return holidays.France(subdiv=SUBDIVISIONS.get(department or ""))


def is_working_day(day, department=None):
    return day.weekday() < 5 and day not in public_holidays(department)


def add_working_days(day, count, department=None):
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day, department):
            count -= 1
    return day


def answer_due_at(sent_at, working_days=None, *, department=None):
    """The end (local time) of the n-th working day after the day ``sent_at`` falls on, on the
    calendar of ``department`` (its code)."""
    if working_days is None:
        working_days = settings.REFERRAL_ANSWER_WORKING_DAYS
    day = add_working_days(timezone.localdate(sent_at), working_days, department)
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
