"""Import of training offers from CSV (format in README, "Importer des formations").

The whole file is checked first; every faulty line is reported with its line number and reason;
nothing is written unless every line is valid. ``key`` is the stable reference of an offer: a
line whose key exists updates that offer, so importing the same file twice changes nothing.
"""

import csv
import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from core import csv_reader
from core.validators import INTEGER_MAX, date_in_range, parse_bounded_int

from .choices import FrenchLevel
from .models import Department, TrainingOffer

COLUMNS = [
    "key",
    "department",
    "provider",
    "title",
    "kind",
    "target_level",
    "hours",
    "certification",
    "funder",
    "commune",
    "employment_area",
    "starts_on",
    "ends_on",
    "places",
]
REQUIRED = {
    "key",
    "department",
    "provider",
    "title",
    "kind",
    "hours",
    "funder",
    "commune",
    "starts_on",
    "ends_on",
}
MAX_LINES = 5000
FIELDS = [column for column in COLUMNS if column != "department"]


@dataclass
class ImportResult:
    errors: list = field(default_factory=list)  # [(line number, reason)]
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self):
        return not self.errors

    @property
    def total(self):
        return self.created + self.updated + self.unchanged


def _date(value):
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            pass
    raise ValueError


def _clean_line(row, departments, allowed_codes):
    """(values for TrainingOffer, or None) and the list of reasons of a line."""
    reasons = []
    for column, value in list(row.items()):
        if value and "\x00" in value:
            reasons.append(_("« %(column)s » : caractère nul interdit") % {"column": column})
            row[column] = value.replace("\x00", "")
    row = {key: (value or "").strip() for key, value in row.items() if key}
    for column in COLUMNS:
        if column in REQUIRED and not row.get(column):
            reasons.append(_("« %(column)s » est obligatoire") % {"column": column})
    values = {}
    code = row.get("department", "")
    if code:
        if code not in departments:
            reasons.append(_("département « %(code)s » inconnu") % {"code": code})
        elif allowed_codes is not None and code not in allowed_codes:
            reasons.append(
                _(
                    "département « %(code)s » : vous ne pouvez importer que celui de votre organisation"
                )
                % {"code": code}
            )
        else:
            values["department"] = departments[code]
    for column, choices in (
        ("kind", TrainingOffer.Kind.values),
        ("certification", TrainingOffer.Certification.values),
        ("funder", TrainingOffer.Funder.values),
        ("target_level", FrenchLevel.values),
    ):
        value = row.get(column, "")
        if value and value not in choices:
            reasons.append(
                _("« %(column)s » : « %(value)s » n'est pas une valeur permise (%(allowed)s)")
                % {"column": column, "value": value, "allowed": ", ".join(choices)}
            )
        values[column] = value
    if not values["certification"]:
        values["certification"] = TrainingOffer.Certification.NONE
    for column in ("hours", "places"):
        value = row.get(column, "")
        if not value:
            values[column] = None
            continue
        try:
            values[column] = parse_bounded_int(value)
        except ValueError:
            reasons.append(
                _(
                    "« %(column)s » : « %(value)s » n'est pas un nombre entier positif (au plus %(max)s)"
                )
                % {"column": column, "value": value[:20], "max": INTEGER_MAX}
            )
    if values.get("hours") == 0:
        reasons.append(_("« hours » doit être supérieur à zéro"))
    for column in ("starts_on", "ends_on"):
        value = row.get(column, "")
        if not value:
            continue
        try:
            values[column] = _date(value)
            if not date_in_range(values[column]):
                raise ValueError(value)
        except ValueError:
            reasons.append(
                _("« %(column)s » : « %(value)s » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)")
                % {"column": column, "value": value}
            )
    if (
        values.get("starts_on")
        and values.get("ends_on")
        and values["ends_on"] < values["starts_on"]
    ):
        reasons.append(_("la fin (« ends_on ») précède le début (« starts_on »)"))
    for column, limit in (
        ("key", 80),
        ("provider", 200),
        ("title", 200),
        ("commune", 100),
        ("employment_area", 100),
    ):
        value = row.get(column, "")
        if len(value) > limit:
            reasons.append(
                _("« %(column)s » dépasse %(limit)s caractères")
                % {"column": column, "limit": limit}
            )
        values[column] = value
    return (None if reasons else values), reasons


def check(data, *, allowed_codes=None):
    """Reads and checks a whole CSV file (bytes or text). Writes nothing.

    ``allowed_codes``: the department codes the importer may write (None: any). Returns
    (list of (line number, values), ImportResult with the errors).
    """
    result = ImportResult()
    try:
        text = csv_reader.decode(data, fallback=None)
    except csv_reader.UnreadableFile:
        result.errors.append((1, _("le fichier n'est pas encodé en UTF-8")))
        return [], result
    if not text.strip():
        result.errors.append((1, _("le fichier est vide")))
        return [], result
    reader = csv_reader.dict_reader(text)
    header = reader.fieldnames
    missing = [column for column in COLUMNS if column in REQUIRED and column not in header]
    unknown = [name for name in header if name and name not in COLUMNS]
    if missing or unknown:
        reasons = []
        if missing:
            reasons.append(_("colonnes manquantes : %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            reasons.append(_("colonnes inconnues : %(names)s") % {"names": ", ".join(unknown)})
        result.errors.append((1, " ; ".join(reasons)))
        return [], result
    departments = {department.code: department for department in Department.objects.all()}
    rows = []
    seen = {}
    try:
        for row in reader:
            line = reader.line_num
            if len(rows) + len(result.errors) >= MAX_LINES:
                result.errors.append(
                    (line, _("trop de lignes (%(max)s au plus par fichier)") % {"max": MAX_LINES})
                )
                break
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue  # a blank line
            if None in row:
                result.errors.append((line, _("trop de colonnes sur cette ligne")))
                continue
            values, reasons = _clean_line(row, departments, allowed_codes)
            key = (row.get("key") or "").strip()
            if key and key in seen:
                reasons.append(
                    _("la référence « %(key)s » figure déjà ligne %(line)s")
                    % {"key": key, "line": seen[key]}
                )
            elif key:
                seen[key] = line
            if reasons:
                result.errors.append((line, " ; ".join(reasons)))
            else:
                rows.append((line, values))
    except csv.Error as error:
        result.errors.append((reader.line_num, _("CSV illisible : %(error)s") % {"error": error}))
    if not rows and not result.errors:
        result.errors.append((1, _("aucune formation dans le fichier")))
    if allowed_codes is not None and rows:
        # A key already used by an offer of another department belongs to someone else.
        foreign = dict(
            TrainingOffer.objects.filter(key__in=[values["key"] for _line, values in rows])
            .exclude(department__code__in=allowed_codes)
            .values_list("key", "department__code")
        )
        for line, values in rows:
            if values["key"] in foreign:
                result.errors.append(
                    (
                        line,
                        _("la référence « %(key)s » appartient au département %(code)s")
                        % {"key": values["key"], "code": foreign[values["key"]]},
                    )
                )
        result.errors.sort()
    return rows, result


def import_trainings(data, *, allowed_codes=None):
    """Checks the whole file, then creates or updates every offer in one transaction.

    Returns the ImportResult; when it has errors, nothing was written.
    """
    rows, result = check(data, allowed_codes=allowed_codes)
    if not result.ok:
        return result
    with transaction.atomic():
        keys = [values["key"] for _line, values in rows]
        existing = {
            offer.key: offer
            for offer in TrainingOffer.objects.select_for_update().filter(key__in=keys)
        }
        to_create, to_update = [], []
        for _line, values in rows:
            offer = existing.get(values["key"])
            if offer is None:
                to_create.append(TrainingOffer(**values))
                continue
            changed = False
            for name, value in values.items():
                current = offer.department_id if name == "department" else getattr(offer, name)
                new = value.pk if name == "department" else value
                if current != new:
                    setattr(offer, name, value)
                    changed = True
            if changed:
                to_update.append(offer)
            else:
                result.unchanged += 1
        TrainingOffer.objects.bulk_create(to_create)
        TrainingOffer.objects.bulk_update(to_update, FIELDS + ["department"])
        result.created = len(to_create)
        result.updated = len(to_update)
    return result
