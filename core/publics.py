"""The specific publics the agreements name (DESIGN.md §2), defined once.

The same codes serve the offers (``ServiceOffer.publics``), the list filters (``?public=``), the
statistics (``by_public``) and every label on a page, spreadsheet or PDF.
"""

from django.db.models import Q, TextChoices
from django.utils.translation import gettext_lazy as _

from .dates import years_before

# Under-26s are the Mission Locale's public.
UNDER_AGE = 26
# Beneficiaries of international protection: these permit kinds (``PermitKind`` codes).
BPI_PERMIT_KINDS = ("refugee", "subsidiary_protection", "stateless")


class Public(TextChoices):
    WOMEN = "women", _("Femmes")
    UNDER_26 = "under_26", _("Moins de 26 ans")
    BPI = "bpi", _("Bénéficiaires de la protection internationale")
    RQTH = "rqth", _("Personnes en situation de handicap (RQTH)")
    GRADUATES = "graduates", _("Diplômés du supérieur")


PUBLICS = tuple(Public.values)


def under_26_birth_date_floor(today):
    """People born after this day are under 26 on ``today``."""
    return years_before(today, UNDER_AGE)


def public_q(public, today, prefix=""):
    """A filter selecting the files of ``public`` on ``today``.

    ``prefix`` reaches the file from another model (``"beneficiary__"`` from a referral).
    """
    conditions = {
        Public.WOMEN: lambda: Q(**{f"{prefix}sex": "F"}),
        Public.UNDER_26: lambda: Q(**{f"{prefix}birth_date__gt": under_26_birth_date_floor(today)}),
        Public.BPI: lambda: Q(**{f"{prefix}permit_kind__in": BPI_PERMIT_KINDS}),
        Public.RQTH: lambda: Q(**{f"{prefix}rqth": True}),
        Public.GRADUATES: lambda: Q(**{f"{prefix}higher_education": True}),
    }
    return conditions[Public(public)]()
