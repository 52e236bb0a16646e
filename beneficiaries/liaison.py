"""The liaison sheet the person takes away (agreement art. 3.1): one page, in French, with its
fixed parts also in English or Arabic (gettext catalogues of the project, ``locale/``); a missing
translation falls back to French (shown once). Rendered to PDF by WeasyPrint, with nothing
fetched from the network.

The partner the person is oriented to comes from the apps above (referrals): they register a
*partner source* at start-up, ``source(beneficiary, user) -> dict | None`` with ``name``,
``address``, ``kind``, ``how_to_register`` and ``appointment_at``.
"""

import logging

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from partners.models import OrganisationKind

logger = logging.getLogger(__name__)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PARTNER_SOURCES = []
# The second language of the fixed parts: code → (name, direction).
LANGUAGES = {"en": ("English", "ltr"), "ar": ("العربية", "rtl")}

ONLINE_SERVICES = {
    OrganisationKind.FRANCE_TRAVAIL: "https://www.francetravail.fr",
    OrganisationKind.MISSION_LOCALE: "https://www.1jeune1solution.gouv.fr",
    OrganisationKind.CAP_EMPLOI: "https://www.capemploi.info",
}

# The fixed parts, French msgids (translated in locale/en and locale/ar).
TEXTS = {
    "title": N_("Fiche de liaison"),
    "intro": N_(
        "Cette fiche vous est remise à la fin de votre entretien avec l'OFII. Présentez-la au "
        "partenaire ci-dessous."
    ),
    "partner": N_("Votre partenaire pour l'emploi"),
    "address": N_("Adresse"),
    "register": N_("Comment s'inscrire"),
    "online": N_("Services en ligne"),
    "appointment": N_("Votre rendez-vous"),
    "no_appointment": N_("Le partenaire vous contactera pour fixer un rendez-vous."),
    "bring": N_("À apporter"),
    "bring_items": N_(
        "Votre titre de séjour, votre contrat d'intégration républicaine (CIR), une pièce "
        "d'identité, votre CV et vos diplômes si vous en avez, cette fiche."
    ),
    "training": N_("Votre formation de français"),
    "ofii": N_("Votre contact à l'OFII"),
}


def register_partner_source(source):
    if source not in PARTNER_SOURCES:
        PARTNER_SOURCES.append(source)
    return source


def partner_for(beneficiary, user):
    for source in PARTNER_SOURCES:
        partner = source(beneficiary, user)
        if partner:
            partner.setdefault("online", ONLINE_SERVICES.get(partner.get("kind"), ""))
            return partner
    return None


def texts(language):
    """{key: (French, translation or "")}: the translation is left out when missing."""
    french = {key: gettext(message) for key, message in TEXTS.items()}
    if language not in LANGUAGES:
        return {key: (french[key], "") for key in TEXTS}
    with translation.override(language):
        other = {key: gettext(message) for key, message in TEXTS.items()}
    return {key: (french[key], "" if other[key] == french[key] else other[key]) for key in TEXTS}


def context(beneficiary, user, language=""):
    name, direction = LANGUAGES.get(language, ("", "ltr"))
    return {
        "beneficiary": beneficiary,
        "t": texts(language),
        "language": language if language in LANGUAGES else "",
        "language_name": name,
        "direction": direction,
        "partner": partner_for(beneficiary, user),
        "session": beneficiary.prescribed_session,
        "ofii": beneficiary.ofii_organisation,
    }


def render_pdf(ctx):
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class NoFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError("the liaison sheet fetches nothing")

    html = render_to_string("beneficiaries/liaison_sheet.html", ctx)
    return HTML(string=html, url_fetcher=NoFetcher()).write_pdf()
