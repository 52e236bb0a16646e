"""Bounds on what people type, shared by forms, API serializers and CSV imports: a value out of
bounds is a field error (a French message), never a 500 further down (a date in year 1 that
cannot be shown in local time, a year 9999 plus one day, an integer the database refuses).

Django's form and DRF character fields already refuse NUL bytes; ``validate_no_nul`` is for the
text read by hand (CSV cells)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
# PostgreSQL's integer (PositiveIntegerField).
INTEGER_MAX = 2**31 - 1

OUT_OF_RANGE = _("Saisissez une date entre le %(min)s et le %(max)s.")


def date_in_range(value):
    """True when ``value`` (a date or a datetime) lies between DATE_MIN and DATE_MAX."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return DATE_MIN <= value <= DATE_MAX


def validate_date_bounds(value):
    """Validator for date and datetime fields (forms and serializers)."""
    if value is not None and not date_in_range(value):
        raise ValidationError(
            OUT_OF_RANGE,
            code="date_out_of_range",
            params={"min": DATE_MIN.strftime("%d/%m/%Y"), "max": DATE_MAX.strftime("%d/%m/%Y")},
        )


# For the date fields of the models that people (forms, API, CSV) write: model forms and model
# serializers inherit it; tests/reliability/test_date_bounds.py checks that none is forgotten.
BOUNDED_DATE = [validate_date_bounds]


def validate_no_nul(value):
    if value and "\x00" in value:
        raise ValidationError(_("Caractère nul interdit."), code="null_characters_not_allowed")


def parse_bounded_int(text, *, minimum=0, maximum=INTEGER_MAX):
    """The integer written in ``text``, or ValueError (not a number, or out of bounds)."""
    number = int(text)
    if not minimum <= number <= maximum:
        raise ValueError(text)
    return number


def too_long(values, model, fields):
    """``[(field, max_length)]`` for each of ``fields`` longer than its model column."""
    found = []
    for name in fields:
        limit = model._meta.get_field(name).max_length
        if limit and len(values.get(name) or "") > limit:
            found.append((name, limit))
    return found
