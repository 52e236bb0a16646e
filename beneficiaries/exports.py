"""CSV and XLSX exports of the filtered list. Cells that a spreadsheet would read as a formula are
neutralised (OWASP "CSV injection"): a leading ``=``, ``+``, ``-``, ``@`` (or tab, carriage return)
gets a leading apostrophe."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import csv_bytes, neutralise, xlsx_bytes
from partners import exports as export_jobs

from . import queries
from .models import Beneficiary


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


def filtered(user, params):
    """(form, queryset): the files of the list filtered by its query string ``params``, scoped
    and sorted — the page, its exports and the export jobs share it."""
    from .forms import BeneficiaryFilterForm

    form = BeneficiaryFilterForm(params or None)
    qs = Beneficiary.objects.visible_to(user)
    if form.is_bound and not form.is_valid():
        return form, queries.with_last_decision(qs.none())
    return form, queries.filter_files(qs, form.cleaned_data if form.is_bound else {})


SOURCE = export_jobs.Source(
    name="beneficiaries",
    object_type="beneficiary",
    title=gettext_lazy("Bénéficiaires"),
    file_stem="beneficiaires",
    records=lambda user, params: filtered(user, params)[1],
    header=lambda: [header for header, _getter in columns()],
    row=lambda beneficiary: [getter(beneficiary) for _header, getter in columns()],
)
