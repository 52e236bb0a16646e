"""Date arithmetic, defined once: whole years and months on the calendar (``relativedelta``).

A date N years away from 29 February falls on 28 February when the target year has no 29th.
"""

from dateutil.relativedelta import relativedelta


def years_before(day, years):
    """The same day ``years`` years earlier (29 February → 28 February)."""
    return day - relativedelta(years=years)


def years_after(day, years):
    """The same day ``years`` years later (29 February → 28 February)."""
    return day + relativedelta(years=years)


def months_after(day, months):
    """The same day ``months`` months later, clipped to the end of a shorter month."""
    return day + relativedelta(months=months)


def months_before(day, months):
    return day - relativedelta(months=months)


def age_on(birth_date, day):
    """Age in whole years on ``day`` (a person born on 29 February turns a year older on 1 March
    in a common year, as French civil law counts it)."""
    return relativedelta(day, birth_date).years
