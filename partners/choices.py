"""Codes shared by every app (DESIGN.md, exchange format): French levels and languages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FrenchLevel(models.TextChoices):
    NONE = "none", _("Aucun (non lecteur, non scripteur)")
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


# Rank of each level, to compare "at least B1".
FRENCH_LEVEL_RANK = {level: rank for rank, level in enumerate(FrenchLevel.values)}


def levels_at_least(level):
    """The French levels equal to or above ``level``."""
    rank = FRENCH_LEVEL_RANK[level]
    return [code for code, r in FRENCH_LEVEL_RANK.items() if r >= rank]


def levels_at_most(level):
    rank = FRENCH_LEVEL_RANK[level]
    return [code for code, r in FRENCH_LEVEL_RANK.items() if r <= rank]


# Languages an offer's staff speaks (ISO 639 codes), the most frequent among newcomers first.
LANGUAGES = [
    ("fr", _("français")),
    ("en", _("anglais")),
    ("ar", _("arabe")),
    ("es", _("espagnol")),
    ("pt", _("portugais")),
    ("ru", _("russe")),
    ("uk", _("ukrainien")),
    ("ps", _("pachto")),
    ("fa", _("dari / persan")),
    ("ti", _("tigrigna")),
    ("bn", _("bengali")),
    ("ta", _("tamoul")),
    ("tr", _("turc")),
    ("zh", _("chinois")),
    ("wo", _("wolof")),
    ("ff", _("peul")),
    ("so", _("somali")),
]
LANGUAGE_NAMES = dict(LANGUAGES)
