"""CSV import of beneficiary files: checked in full first, all or nothing.

Format (README, "Import CSV des bénéficiaires"): UTF-8 (or Windows-1252), separator ``;`` or
``,``, one header line with the exchange format's field names. Dates ``AAAA-MM-JJ`` or
``JJ/MM/AAAA``; booleans ``oui``/``non`` (or 1/0, true/false, empty = non).
"""

import csv
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.csv_reader import decode, dict_reader
from core.validators import DATE_MIN, too_long
from partners import audit
from partners.choices import FrenchLevel

from . import validation
from .models import Beneficiary, ImportJob, PermitKind, Sex, name_key

REQUIRED_COLUMNS = [
    "ofii_number",
    "last_name",
    "first_name",
    "sex",
    "birth_date",
    "nationality",
    "permit_kind",
    "first_permit_date",
]
TRUE = {"oui", "o", "1", "true", "vrai", "yes", "x"}
FALSE = {"non", "n", "0", "false", "faux", "no", ""}
TEXT_COLUMNS = [
    "ofii_number",
    "last_name",
    "first_name",
    "postcode",
    "commune",
    "email",
    "phone",
    "france_travail_id",
]
PROGRESS_EVERY = 1000
BATCH_SIZE = 1000
MAX_REPORTED_ERRORS = 5000


def parse_date(text):
    text = text.strip()
    if not text:
        return None
    if len(text) == 10 and text[4] == "-":
        return date.fromisoformat(text)  # the common case, much faster than strptime
    for pattern in ("%d/%m/%Y",):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    raise ValueError


def parse_bool(text):
    value = text.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError


class LineError(Exception):
    pass


def parse_line(row):
    """The values of one CSV row, or ``LineError`` with every reason."""
    problems = []
    values = {}
    get = {key: (value or "").strip() for key, value in row.items() if key}
    for column, value in get.items():
        if "\x00" in value:
            problems.append(_("%(column)s : caractère nul interdit") % {"column": column[:40]})
            get[column] = value.replace("\x00", "")

    for column in REQUIRED_COLUMNS:
        if not get.get(column):
            problems.append(_("%(column)s manquant") % {"column": column})
    for column in ("ofii_number", "last_name", "first_name", "postcode", "commune", "email"):
        values[column] = get.get(column, "")
    values["ofii_number"] = values["ofii_number"].upper()
    values["phone"] = get.get("phone", "")
    values["france_travail_id"] = get.get("france_travail_id", "")
    values["nationality"] = get.get("nationality", "").upper()

    sex = get.get("sex", "").upper()
    if sex and sex not in Sex.values:
        problems.append(_("sex : F ou M attendu"))
    values["sex"] = sex
    permit = get.get("permit_kind", "").lower()
    if permit and permit not in PermitKind.values:
        problems.append(
            _("permit_kind inconnu (attendu : %(codes)s)") % {"codes": ", ".join(PermitKind.values)}
        )
    values["permit_kind"] = permit
    level = get.get("french_level", "") or FrenchLevel.NONE
    level = level if level == FrenchLevel.NONE else level.upper()
    if level not in FrenchLevel.values:
        problems.append(_("french_level inconnu (attendu : none, A1 … C2)"))
    values["french_level"] = level

    for column in ("birth_date", "first_permit_date", "cir_signed_on"):
        try:
            values[column] = parse_date(get.get(column, ""))
            # Later than today is refused by validation.file_errors, with its own message.
            if values[column] and values[column] < DATE_MIN:
                raise ValueError(column)
        except ValueError:
            problems.append(_("%(column)s : date invalide (AAAA-MM-JJ)") % {"column": column})
            values[column] = None
    confirmed = False
    values["confirm_not_duplicate"] = False
    for column in ("rqth", "higher_education", "confirm_out_of_public", "confirm_not_duplicate"):
        try:
            flag = parse_bool(get.get(column, ""))
        except ValueError:
            problems.append(_("%(column)s : oui ou non attendu") % {"column": column})
            flag = False
        if column == "confirm_out_of_public":
            confirmed = flag
        elif column == "confirm_not_duplicate":
            values[column] = flag
        else:
            values[column] = flag
    for column, limit in too_long(values, Beneficiary, TEXT_COLUMNS):
        problems.append(
            _("%(column)s : %(limit)s caractères au plus") % {"column": column, "limit": limit}
        )
    if values["email"] and "@" not in values["email"]:
        problems.append(_("email invalide"))

    checked = {
        field: values[field]
        for field in validation.CHECKED_FIELDS
        if values.get(field) not in (None, "")
    }
    for _field, messages in validation.file_errors(
        checked, confirmed_out_of_public=confirmed
    ).items():
        problems.extend(messages)
    if problems:
        raise LineError(" ; ".join(str(p) for p in problems))
    return values


def check(text, on_progress=None, department_id=None):
    """Parses and checks every line. Returns ``(files, errors, total)``: the values of every line,
    and ``[{"line", "message"}]`` for every faulty one (duplicates included). ``department_id``:
    the importing directorate's; the number of an existing file is quoted only when it is one of
    its own files (a file held elsewhere is mentioned without its number or directorate)."""
    reader = dict_reader(decode(text))
    header = reader.fieldnames
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        return [], [{"line": 1, "message": _("Colonnes manquantes : ") + ", ".join(missing)}], 0

    files, errors = [], []
    numbers_seen, names_seen = {}, {}
    total = 0
    for row in reader:
        line = reader.line_num
        total += 1
        try:
            values = parse_line(row)
        except LineError as error:
            errors.append({"line": line, "message": str(error)})
            continue
        number = values["ofii_number"]
        key = (name_key(values["last_name"], values["first_name"]), values["birth_date"])
        if number in numbers_seen:
            errors.append(
                {
                    "line": line,
                    "message": _("Numéro OFII en double dans le fichier (ligne %(other)s)")
                    % {"other": numbers_seen[number]},
                }
            )
            continue
        if key in names_seen:
            errors.append(
                {
                    "line": line,
                    "message": _(
                        "Même nom et même date de naissance qu'à la ligne %(other)s du fichier"
                    )
                    % {"other": names_seen[key]},
                }
            )
            continue
        numbers_seen[number] = line
        names_seen[key] = line
        files.append((line, values))
        if on_progress and total % PROGRESS_EVERY == 0:
            on_progress(total)

    errors.extend(existing_duplicates(files, department_id))
    errors.sort(key=lambda error: error["line"])
    return files, errors, total


def existing_duplicates(files, department_id=None):
    """Lines whose person already has a file (same OFII number, or same name and birth date; a
    line that confirms a homonym, ``confirm_not_duplicate``, passes the second check)."""
    errors = []
    by_number = {values["ofii_number"]: line for line, values in files}
    by_key = {}
    confirmed = {line for line, values in files if values.get("confirm_not_duplicate")}
    for line, values in files:
        by_key.setdefault(name_key(values["last_name"], values["first_name"]), []).append(
            (values["birth_date"], line)
        )
    numbers = list(by_number)
    for start in range(0, len(numbers), BATCH_SIZE):
        chunk = numbers[start : start + BATCH_SIZE]
        for number in Beneficiary.objects.filter(ofii_number__in=chunk).values_list(
            "ofii_number", flat=True
        ):
            errors.append(
                {
                    "line": by_number[number],
                    "message": _("Un dossier existe déjà avec le numéro OFII %(number)s")
                    % {"number": number},
                }
            )
    flagged = {error["line"] for error in errors}
    keys = list(by_key)
    for start in range(0, len(keys), BATCH_SIZE):
        chunk = keys[start : start + BATCH_SIZE]
        existing = Beneficiary.objects.filter(
            search_key__in=chunk, anonymised_at__isnull=True
        ).values_list("search_key", "birth_date", "ofii_number", "ofii_organisation__department_id")
        for key, birth_date, number, department in existing:
            for wanted, line in by_key.get(key, []):
                if wanted == birth_date and line not in flagged and line not in confirmed:
                    flagged.add(line)
                    errors.append(
                        {
                            "line": line,
                            "message": homonym_message(number, department, department_id),
                        }
                    )
    return errors


def homonym_message(number, department, department_id):
    if department_id is not None and department == department_id:
        return _(
            "Doublon probable : même nom et même date de naissance que le dossier %(number)s. "
            "S'il s'agit d'un homonyme, mettez oui dans la colonne confirm_not_duplicate."
        ) % {"number": number}
    return _(
        "Doublon probable : un dossier existe ailleurs (dans une autre direction territoriale) "
        "pour une personne du même nom née le même jour. S'il s'agit d'un homonyme, mettez oui "
        "dans la colonne confirm_not_duplicate."
    )


def run(job_id):
    """Runs an import job (called by the Celery task). Idempotent: only a pending job is run."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.CHECKING, started_at=now, alive_at=now
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("created_by", "organisation").get(pk=job_id)
    job.total_lines = max(job.content.count("\n") - 1, 1)
    job.save(update_fields=["total_lines"])

    def progress(count):
        ImportJob.objects.filter(pk=job_id).update(processed_lines=count, alive_at=timezone.now())

    try:
        files, errors, total = check(
            job.content, on_progress=progress, department_id=job.organisation.department_id
        )
    except csv.Error as error:
        files, errors, total = [], [{"line": 0, "message": _("CSV illisible : ") + str(error)}], 0
    if errors or not files:
        if not errors:
            errors = [{"line": 0, "message": _("Le fichier ne contient aucune ligne.")}]
        finish(job_id, ImportJob.Status.REJECTED, total, errors=errors[:MAX_REPORTED_ERRORS])
        return
    now = timezone.now()
    for _line, values in files:
        values.pop("confirm_not_duplicate", None)
    objects = [
        Beneficiary(
            **values,
            ofii_organisation_id=job.organisation_id,
            created_at=now,
            last_activity_at=now,
        )
        for _line, values in files
    ]
    try:
        with transaction.atomic():
            # The job's row stays locked while the files are written: the stuck-job watchdog
            # (tasks.fail_stuck_imports) skips a locked job, so a long write is never taken for
            # a dead worker; the job is DONE in the same transaction.
            ImportJob.objects.select_for_update().filter(pk=job_id).update(
                status=ImportJob.Status.WRITING,
                processed_lines=total,
                total_lines=total,
                alive_at=timezone.now(),
            )
            created = Beneficiary.objects.bulk_create(objects, batch_size=BATCH_SIZE)
            audit.record_many(
                job.created_by,
                audit.Action.CREATE,
                "beneficiary",
                [b.pk for b in created if b.pk],
                detail=f"import:{job_id}",
            )
            audit.record(job.created_by, audit.Action.CREATE, "beneficiary_import", job_id)
            finish(job_id, ImportJob.Status.DONE, total, created_count=len(created))
    except IntegrityError:
        # A file created meanwhile with the same number: nothing was written.
        finish(
            job_id,
            ImportJob.Status.REJECTED,
            total,
            errors=[
                {
                    "line": 0,
                    "message": _(
                        "Un dossier a été créé entre-temps avec l'un de ces numéros OFII : rien "
                        "n'a été importé. Relancez l'import."
                    ),
                }
            ],
        )
        return


def finish(job_id, status, total, *, errors=(), created_count=0):
    ImportJob.objects.filter(pk=job_id).update(
        status=status,
        processed_lines=total,
        total_lines=total,
        errors=list(errors),
        created_count=created_count,
        content="",  # personal data is not kept once the job is over
        finished_at=timezone.now(),
    )
