"""Finding the department's files among France Travail's job seekers (agreement, article 4).

France Travail uploads a CSV of its job seekers: ``identifiant_france_travail``, and where it has
no identifier to match on, ``nom``, ``prenom``, ``date_naissance`` (AAAA-MM-JJ or JJ/MM/AAAA).
``run`` matches it against the files of the uploader's department in one transaction, in SQL
over sets (a staging table, no query per row):

- a file matches when its France Travail identifier is in the list, or — a file without an
  identifier — when a line without identifier has its name (``beneficiaries.models.name_key``:
  no accents, any case) and birth date;
- every file of the department gets ``job_seeker_status`` ``registered`` (matched) or
  ``not_registered`` (the statistics' "registered with the SPE" rate reads it);
- the answer gives the counts for the department, by public (``core.publics``), and the matches
  France Travail may see (the people referred to it: ``Beneficiary.visible_to``);
- the uploaded lines are deleted before the commit: none is left behind, even on an error (the
  transaction rolls back).
"""

import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary, JobSeekerStatus, name_key
from core import csv_reader
from core.publics import PUBLICS, public_q
from partners import audit
from partners.models import OrganisationKind

from .models import ReconciliationRow, ReconciliationRun

ID_COLUMN = "identifiant_france_travail"
NAME_COLUMNS = ("nom", "prenom", "date_naissance")
MAX_LINES = 200_000
BATCH = 2000


def _birth_date(text):
    text = (text or "").strip()
    if "/" in text:
        parts = text.split("/")
        if len(parts) == 3:
            text = f"{parts[2]}-{parts[1]}-{parts[0]}"
    try:
        return parse_date(text)
    except ValueError:
        return None


def parse(data):
    """The lines of an upload as ReconciliationRow values; ValidationError (French, with the
    line numbers) when the file is unreadable or a line has neither identifier nor identity."""
    try:
        text = csv_reader.decode(data)
    except csv_reader.UnreadableFile as error:
        raise ValidationError({"file": str(error)})
    if "\x00" in text:
        raise ValidationError({"file": _("Le fichier contient un caractère nul.")})
    reader = csv_reader.dict_reader(text)
    if ID_COLUMN not in (reader.fieldnames or []):
        raise ValidationError({"file": _("Colonne manquante : %(name)s.") % {"name": ID_COLUMN}})
    rows, errors = [], []
    for number, line in enumerate(reader, start=2):
        if len(rows) >= MAX_LINES:
            raise ValidationError(
                {"file": _("Au plus %(max)s lignes par envoi.") % {"max": MAX_LINES}}
            )
        identifier = (line.get(ID_COLUMN) or "").strip().upper()[:20]
        if identifier:
            rows.append((identifier, "", None))
            continue
        key = name_key(line.get("nom") or "", line.get("prenom") or "")
        born = _birth_date(line.get("date_naissance"))
        if not key or born is None:
            errors.append(number)
            continue
        rows.append(("", key[:310], born))
    if errors:
        shown = ", ".join(str(n) for n in errors[:20])
        raise ValidationError(
            {
                "file": _(
                    "Lignes sans identifiant France Travail ni nom, prénom et date de naissance "
                    "valides : %(lines)s."
                )
                % {"lines": shown + ("…" if len(errors) > 20 else "")}
            }
        )
    return rows


def may_reconcile(user):
    membership = getattr(user, "active_membership", None)
    return bool(membership and membership.organisation.kind == OrganisationKind.FRANCE_TRAVAIL)


def run(user, data, *, channel="api"):
    """Matches an upload (bytes or text) for the user's department; returns ``(run, matches)``
    where ``matches`` are the ids of the matched files the user may see."""
    if not may_reconcile(user):
        raise PermissionError
    started = time.monotonic()
    rows = parse(data)
    organisation = user.active_membership.organisation
    today = timezone.localdate()
    with transaction.atomic():
        reconciliation = ReconciliationRun.objects.create(
            organisation=organisation,
            department_id=organisation.department_id,
            created_by=user,
            uploaded=len(rows),
        )
        ReconciliationRow.objects.bulk_create(
            (
                ReconciliationRow(
                    run=reconciliation, france_travail_id=ident, name_key=key, birth_date=born
                )
                for ident, key, born in rows
            ),
            batch_size=BATCH,
        )
        uploaded = ReconciliationRow.objects.filter(run=reconciliation)
        by_identifier = uploaded.exclude(france_travail_id="").values("france_travail_id")
        by_identity = uploaded.filter(
            france_travail_id="",
            name_key=OuterRef("search_key"),
            birth_date=OuterRef("birth_date"),
        )
        files = Beneficiary.objects.of_department(organisation.department_id).filter(
            anonymised_at__isnull=True
        )
        matched = Q(ft_upper__in=by_identifier) | Q(france_travail_id="", by_identity=True)
        marked = files.annotate(
            ft_upper=Upper("france_travail_id"), by_identity=Exists(by_identity)
        ).filter(matched)
        matched_ids = marked.values("pk")
        now = timezone.now()
        files.filter(pk__in=matched_ids).exclude(
            job_seeker_status=JobSeekerStatus.REGISTERED
        ).update(job_seeker_status=JobSeekerStatus.REGISTERED, updated_at=now)
        files.exclude(pk__in=matched_ids).exclude(
            job_seeker_status=JobSeekerStatus.NOT_REGISTERED
        ).update(job_seeker_status=JobSeekerStatus.NOT_REGISTERED, updated_at=now)
        registered = Q(job_seeker_status=JobSeekerStatus.REGISTERED)
        counts = {"files": Count("pk"), "registered": Count("pk", filter=registered)}
        for public in PUBLICS:
            condition = public_q(public, today)
            counts[f"{public}_files"] = Count("pk", filter=condition)
            counts[f"{public}_registered"] = Count("pk", filter=condition & registered)
        totals = files.aggregate(**counts)
        matches = list(
            Beneficiary.objects.visible_to(user)
            .filter(pk__in=matched_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        uploaded.delete()
        reconciliation.files = totals["files"]
        reconciliation.registered = totals["registered"]
        reconciliation.by_public = {
            public: {
                "files": totals[f"{public}_files"],
                "registered": totals[f"{public}_registered"],
            }
            for public in PUBLICS
        }
        reconciliation.duration_ms = int((time.monotonic() - started) * 1000)
        reconciliation.save()
        audit.record(
            user,
            audit.Action.UPDATE,
            "beneficiary",
            "",
            channel=channel,
            detail=f"reconciliation:{reconciliation.pk} registered={totals['registered']}",
        )
    return reconciliation, matches


def rate(registered, files):
    return round(100 * registered / files, 1) if files else None
