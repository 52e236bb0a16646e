"""Filters of the bilan's templates."""

from datetime import date

from django import template
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format

register = template.Library()


@register.filter
def frdate(value):
    """An ISO date of the frozen snapshot (or a date), printed "15 janvier 2026"."""
    if not value:
        return "—"
    if isinstance(value, str):
        value = parse_date(value[:10]) or parse_datetime(value)
    if not isinstance(value, date):
        return value
    return date_format(value, "j F Y")
