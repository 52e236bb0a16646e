"""Filters of the bilan's templates."""

from datetime import date

from django import template
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format

register = template.Library()


@register.filter
def frdate(value):
    """An ISO date of the frozen snapshot (or a date), printed "15 janvier 2026" (and "1er juin 2022")."""
    if not value:
        return "—"
    if isinstance(value, str):
        value = parse_date(value[:10]) or parse_datetime(value)
    if not isinstance(value, date):
        return value
    text = date_format(value, "j F Y")
    # French writes the first day of a month as an ordinal: "1er juin 2022".
    return text.replace("1 ", "1er ", 1) if value.day == 1 else text
