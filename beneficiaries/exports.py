"""CSV and XLSX exports of the filtered list. Cells that a spreadsheet would read as a formula are
neutralised (OWASP "CSV injection"): a leading ``=``, ``+``, ``-``, ``@`` (or tab, carriage return)
gets a leading apostrophe."""

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core.spreadsheets import csv_bytes, neutralise, xlsx_bytes
from partners import exports as export_jobs

from . import queries
from .models import Beneficiary, PermitKind, Sex, SpeDecision


def _day(value):
    return value.strftime("%d/%m/%Y") if value else ""


def _labels(choices):
    return {code: str(label) for code, label in choices}


_COLUMNS = {}  # language -> columns: labels are translated once, not once per cell


def columns():
    """(French header, function of a beneficiary): labels, not codes; French dates. Built once
    per language (a 60,000-row export translated every label of every row)."""
    language = get_language()
    if language not in _COLUMNS:
        _COLUMNS[language] = _build_columns()
    return _COLUMNS[language]


def _build_columns():
    decisions = _labels(SpeDecision.choices)
    sexes, permits = _labels(Sex.choices), _labels(PermitKind.choices)
    yes, no = _("oui"), _("non")
    nationalities = {}

    def nationality(beneficiary):
        code = beneficiary.nationality
        if code not in nationalities:
            nationalities[code] = beneficiary.nationality_label
        return nationalities[code]

    def yes_no(value):
        return yes if value else no

    return [
        (_("N° de dossier OFII"), lambda b: b.ofii_number),
        (_("Nom"), lambda b: b.last_name),
        (_("Prénom"), lambda b: b.first_name),
        (_("Sexe"), lambda b: sexes.get(b.sex, b.sex)),
        (_("Date de naissance"), lambda b: _day(b.birth_date)),
        (_("Âge"), lambda b: b.age),
        (_("Nationalité"), nationality),
        (_("Titre de séjour"), lambda b: permits.get(b.permit_kind, b.permit_kind)),
        (_("Date du premier titre"), lambda b: _day(b.first_permit_date)),
        (_("Éligible jusqu'au"), lambda b: _day(b.eligible_until)),
        (_("CIR signé le"), lambda b: _day(b.cir_signed_on)),
        (_("Code postal"), lambda b: b.postcode),
        (_("Commune"), lambda b: b.commune),
        (_("Adresse électronique"), lambda b: b.email),
        (_("Téléphone"), lambda b: b.phone),
        (_("RQTH"), lambda b: yes_no(b.rqth)),
        (_("Diplômé du supérieur"), lambda b: yes_no(b.higher_education)),
        (_("BPI"), lambda b: yes_no(b.is_bpi)),
        (_("Moins de 26 ans"), lambda b: yes_no(b.is_under_26)),
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
