"""CSV and XLSX exports of the filtered list. Cells that a spreadsheet would read as a formula are
neutralised (OWASP "CSV injection"): a leading ``=``, ``+``, ``-``, ``@`` (or tab, carriage return)
gets a leading apostrophe."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import csv_bytes, neutralise, xlsx_bytes
from partners import exports as export_jobs

from . import queries
from .models import Beneficiary, SpeDecision


def _yes_no(value):
    return _("oui") if value else _("non")


def _day(value):
    return value.strftime("%d/%m/%Y") if value else ""


def columns():
    """(French header, function of a beneficiary): labels, not codes; French dates."""
    decisions = dict(SpeDecision.choices)
    return [
        (_("N° de dossier OFII"), lambda b: b.ofii_number),
        (_("Nom"), lambda b: b.last_name),
        (_("Prénom"), lambda b: b.first_name),
        (_("Sexe"), lambda b: b.get_sex_display()),
        (_("Date de naissance"), lambda b: _day(b.birth_date)),
        (_("Âge"), lambda b: b.age),
        (_("Nationalité"), lambda b: b.nationality_label),
        (_("Titre de séjour"), lambda b: b.get_permit_kind_display()),
        (_("Date du premier titre"), lambda b: _day(b.first_permit_date)),
        (_("Éligible jusqu'au"), lambda b: _day(b.eligible_until)),
        (_("CIR signé le"), lambda b: _day(b.cir_signed_on)),
        (_("Code postal"), lambda b: b.postcode),
        (_("Commune"), lambda b: b.commune),
        (_("Adresse électronique"), lambda b: b.email),
        (_("Téléphone"), lambda b: b.phone),
        (_("RQTH"), lambda b: _yes_no(b.rqth)),
        (_("Diplômé du supérieur"), lambda b: _yes_no(b.higher_education)),
        (_("BPI"), lambda b: _yes_no(b.is_bpi)),
        (_("Moins de 26 ans"), lambda b: _yes_no(b.is_under_26)),
        (_("Niveau de français"), lambda b: b.french_levels_display),
        (_("Identifiant France Travail"), lambda b: b.france_travail_id),
        (
            _("Dernière décision SPE"),
            lambda b: decisions.get(getattr(b, "last_spe_decision", "") or "", ""),
        ),
    ]


def rows(beneficiaries):
    cols = columns()
    yield [str(header) for header, _getter in cols]
    for beneficiary in beneficiaries:
        # Every cell as text, as the file shows it (oui/non, labels, French dates).
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
