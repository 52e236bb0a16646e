"""The rules of a beneficiary file, in one place: the page form, the CSV import and the API
all call ``file_errors`` and ``find_duplicates``.

OFII file number format (documented in the README): ``DD-YYYY-NNNNN`` — the department code of
the territorial directorate (two digits, ``2A``/``2B`` or three digits overseas), the year the
file was opened, and a sequence of 5 or 6 digits. Example: ``75-2025-01234``.
"""

import re

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from core.dates import years_before

from .models import (
    ELIGIBILITY_YEARS,
    EXTRA_COUNTRIES,
    Beneficiary,
    country_name,
    name_key,
    normalise,
)

OFII_NUMBER_RE = re.compile(r"^(\d{2}|2[AB]|\d{3})-(19|20)\d{2}-\d{5,6}$")

# The agreement covers third-country nationals only (agreement, article 1.2): the 27 members of
# the European Union, the other members of the European Economic Area and Switzerland are refused.
EU_CODES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
EEA_CODES = frozenset({"IS", "LI", "NO"})
SWISS_CODES = frozenset({"CH"})
EU_EEA_CH_CODES = EU_CODES | EEA_CODES | SWISS_CODES | {"EL"}  # "EL": the EU's code for Greece

# Dependent territories of django-countries' list: their people hold the nationality of the
# sovereign state (French overseas territories, Åland, Faroe Islands, Greenland, Guam…), so
# they are not a nationality of their own.
TERRITORY_CODES = frozenset(
    "AI AQ AS AW AX BL BM BQ BV CC CK CW CX FK FO GF GG GI GL GP GS GU HM IM IO JE KY MF MP MQ "
    "MS NC NF NU PF PM PN PR RE SH SJ SX TC TF TK UM VG VI WF YT".split()
)
# ISO 3166-1 alpha-2 codes of nationalities (django-countries, less the dependent territories;
# Western Sahara, Hong Kong, Macao, Palestine and Taiwan stay), plus Kosovo (XK) and XX for a
# stateless person or an undetermined nationality.
COUNTRY_CODES = frozenset(code for code, _name in countries) - TERRITORY_CODES | frozenset(
    EXTRA_COUNTRIES
)

# The fields ``file_errors`` looks at.
CHECKED_FIELDS = ("ofii_number", "nationality", "birth_date", "first_permit_date", "cir_signed_on")


def nationality_choices():
    """(code, "Nom (code)") sorted by French name, for the select of the page form."""
    return sorted(
        ((code, f"{country_name(code)} ({code})") for code in COUNTRY_CODES),
        key=lambda choice: normalise(choice[1]),
    )


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
