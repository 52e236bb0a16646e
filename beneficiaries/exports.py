"""CSV and XLSX exports of the filtered list. Cells that a spreadsheet would read as a formula are
neutralised (OWASP "CSV injection"): a leading ``=``, ``+``, ``-``, ``@`` (or tab, carriage return)
gets a leading apostrophe."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import csv_bytes, neutralise, xlsx_bytes


def columns():
    """(header, function of a beneficiary) — the exchange format's names and derived facts."""
    return [
        ("ofii_number", lambda b: b.ofii_number),
        ("last_name", lambda b: b.last_name),
        ("first_name", lambda b: b.first_name),
        ("sex", lambda b: b.sex),
        ("birth_date", lambda b: b.birth_date),
        ("age", lambda b: b.age),
        ("nationality", lambda b: b.nationality),
        ("permit_kind", lambda b: b.permit_kind),
        ("first_permit_date", lambda b: b.first_permit_date),
        ("eligible_until", lambda b: b.eligible_until),
        ("cir_signed_on", lambda b: b.cir_signed_on),
        ("postcode", lambda b: b.postcode),
        ("commune", lambda b: b.commune),
        ("email", lambda b: b.email),
        ("phone", lambda b: b.phone),
        ("rqth", lambda b: b.rqth),
        ("higher_education", lambda b: b.higher_education),
        ("is_bpi", lambda b: b.is_bpi),
        ("is_under_26", lambda b: b.is_under_26),
        ("french_level", lambda b: b.french_level),
        ("france_travail_id", lambda b: b.france_travail_id),
        ("last_spe_decision", lambda b: getattr(b, "last_spe_decision", "") or ""),
    ]


def rows(beneficiaries):
    cols = columns()
    yield [header for header, _getter in cols]
    for beneficiary in beneficiaries:
        # Every cell as text, as the file shows it (yes/no, ISO dates).
        yield [str(neutralise(getter(beneficiary))) for _header, getter in cols]


def as_csv(beneficiaries):
    return csv_bytes(rows(beneficiaries))


def as_xlsx(beneficiaries):
    return xlsx_bytes(_("Bénéficiaires"), rows(beneficiaries))


def file_name(extension):
    return f"beneficiaires-{timezone.localdate():%Y%m%d}.{extension}"
