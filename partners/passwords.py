"""A password validator for French common passwords (``partners/french_common_passwords.txt``).

Django's ``CommonPasswordValidator`` knows English lists; people here choose ``azertyuiop12``,
``motdepasse123`` or ``soleil123456``. A password is refused when, lower-cased and stripped of
trailing digits and signs, it is one of the listed words (or is listed as is).
"""

import re
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LIST_PATH = Path(__file__).resolve().parent / "french_common_passwords.txt"
TRAILING = re.compile(r"[\d\W_]+$")


@cache
def french_common_passwords():
    words = set()
    for line in LIST_PATH.read_text(encoding="utf-8").splitlines():
        line = line.strip().lower()
        if line and not line.startswith("#"):
            words.add(line)
    return frozenset(words)


class FrenchCommonPasswordValidator:
    def validate(self, password, user=None):
        lowered = password.strip().lower()
        words = french_common_passwords()
        if lowered in words or TRAILING.sub("", lowered) in words:
            raise ValidationError(
                _("Ce mot de passe est trop courant. Choisissez-en un moins prévisible."),
                code="password_too_common_fr",
            )

    def get_help_text(self):
        return _("Votre mot de passe ne peut pas être un mot de passe français courant.")
