"""The rules of a beneficiary file, in one place: the page form, the CSV import and the API
all call ``file_errors`` and ``find_duplicates``.

OFII file number format (documented in the README): ``DD-YYYY-NNNNN`` — the department code of
the territorial directorate (two digits, ``2A``/``2B`` or three digits overseas), the year the
file was opened, and a sequence of 5 or 6 digits. Example: ``75-2025-01234``.
"""

import re
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ELIGIBILITY_YEARS, Beneficiary, name_key

OFII_NUMBER_RE = re.compile(r"^(\d{2}|2[AB]|\d{3})-(19|20)\d{2}-\d{5,6}$")

# The agreement covers third-country nationals only (agreement, article 1.2): the 27 members of
# the European Union, the other members of the European Economic Area and Switzerland are refused.
EU_CODES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
EEA_CODES = frozenset({"IS", "LI", "NO"})
SWISS_CODES = frozenset({"CH"})
EU_EEA_CH_CODES = EU_CODES | EEA_CODES | SWISS_CODES | {"EL"}  # "EL": the EU's code for Greece

# ISO 3166-1 alpha-2 codes of sovereign states, plus Kosovo (XK), Western Sahara (EH), Hong Kong
# (HK), Macao (MO) and XX for a stateless person or an undetermined nationality.
COUNTRY_CODES = frozenset(
    """AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD CF
    CG CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FM FR GA GB GD
    GE GH GM GN GQ GR GT GW GY HK HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP
    KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MO MR MT MU MV MW MX MY
    MZ NA NE NG NI NL NO NP NR NZ OM PA PE PG PH PK PL PS PT PW PY QA RO RS RU RW SA SB SC SD SE SG
    SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN TO TR TT TV TW TZ UA UG US UY UZ VA VC
    VE VN VU WS XK XX YE ZA ZM ZW""".split()
)

# The fields ``file_errors`` looks at.
CHECKED_FIELDS = ("ofii_number", "nationality", "birth_date", "first_permit_date", "cir_signed_on")


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return date(day.year - years, 2, 28)


def nationality_error(code):
    code = (code or "").strip().upper()
    if code in EU_EEA_CH_CODES:
        return _(
            "Nationalité %(code)s refusée : l'accord concerne uniquement les ressortissants de "
            "pays tiers. Les nationalités de l'Union européenne, de l'Espace économique européen "
            "et la Suisse sont exclues (%(codes)s)."
        ) % {"code": code, "codes": ", ".join(sorted(EU_EEA_CH_CODES - {"EL"}))}
    if code not in COUNTRY_CODES:
        return _(
            "Code de nationalité inconnu : saisissez le code ISO 3166 à deux lettres (ex. SN, "
            "AF, MA ; XX pour un apatride)."
        )
    return None


def file_errors(values, *, confirmed_out_of_public=False, today=None):
    """Errors of a beneficiary file, as ``{field: [message, …]}`` (empty: valid).

    ``values`` holds the cleaned values (dates as ``date``); missing keys are not checked, so a
    partial update checks what it changes against the rest of the file. A first permit more than
    five years old is out of the agreement's public: refused unless ``confirmed_out_of_public``.
    """
    today = today or timezone.localdate()
    errors = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    number = values.get("ofii_number")
    if number is not None and not OFII_NUMBER_RE.match(number):
        add(
            "ofii_number",
            _(
                "Numéro de dossier OFII mal formé : attendu DD-AAAA-NNNNN (département, année, "
                "numéro de 5 ou 6 chiffres), par exemple 75-2025-01234."
            ),
        )
    if "nationality" in values:
        message = nationality_error(values["nationality"])
        if message:
            add("nationality", message)
    birth = values.get("birth_date")
    if birth and birth > today:
        add("birth_date", _("La date de naissance ne peut pas être dans le futur."))
    permit = values.get("first_permit_date")
    if permit and permit > today:
        add("first_permit_date", _("La date du premier titre ne peut pas être dans le futur."))
    if birth and permit and permit < birth:
        add("first_permit_date", _("Le premier titre ne peut pas précéder la naissance."))
    cir = values.get("cir_signed_on")
    if cir and cir > today:
        add("cir_signed_on", _("La date de signature du CIR ne peut pas être dans le futur."))
    if cir and permit and cir < permit:
        add(
            "cir_signed_on",
            _("Le CIR ne peut pas avoir été signé avant la délivrance du premier titre."),
        )
    if (
        is_out_of_public(permit, today)
        and not confirmed_out_of_public
        and "first_permit_date" not in errors
    ):
        add("first_permit_date", out_of_public_message())
    return errors


def is_out_of_public(first_permit_date, today=None):
    """A first permit more than five years old: outside the agreement's public."""
    today = today or timezone.localdate()
    return bool(first_permit_date) and first_permit_date < years_before(today, ELIGIBILITY_YEARS)


def out_of_public_message():
    return _(
        "Premier titre délivré il y a plus de cinq ans : la personne est hors du public de "
        "l'accord. Confirmez explicitement pour enregistrer tout de même le dossier."
    )


def find_duplicates(*, ofii_number="", last_name="", first_name="", birth_date=None, exclude=None):
    """Existing files (anonymised ones excepted) with the same OFII number, or the same name and
    birth date whatever the accents and case (first and last names swapped included)."""
    condition = Q()
    if ofii_number:
        condition |= Q(ofii_number__iexact=ofii_number.strip())
    if last_name and first_name and birth_date:
        keys = {name_key(last_name, first_name), name_key(first_name, last_name)}
        condition |= Q(search_key__in=keys, birth_date=birth_date)
    if not condition:
        return Beneficiary.objects.none()
    qs = Beneficiary.objects.filter(condition, anonymised_at__isnull=True)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.select_related("ofii_organisation").order_by("pk")
