"""CSV and XLSX files of lists and tables, shared by every export of Passerelle.

A cell a spreadsheet would read as a formula is neutralised (OWASP "CSV injection"): a text
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe.
"""

import csv
import io
from datetime import date, datetime

from django.utils.translation import gettext as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value as a spreadsheet cell: text never starts like a formula; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, int | float):
        return value
    text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_bytes(rows):
    """UTF-8 with a BOM (so that spreadsheet software reads the accents), ``;``-separated."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(sheet_title, rows):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
