"""Every change to a beneficiary's file, one function each (HOUSE.md): pages, the API, tasks and
commands call these. Straight-line: lock, check, write, history and audit rows, side effects on
commit."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, TruncYear
from django.utils import timezone
from django.utils.translation import gettext_lazy

from effects.outbox import enqueue
from partners import audit

from . import tasks
from .models import Beneficiary, Correction, ImportJob, Interview, Qualification

OBJECT_TYPE = "beneficiary"


def _as_text(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class DuplicateFile(Exception):
    """A file with this OFII number was created meanwhile (two submissions at once)."""

    message = gettext_lazy("Un dossier existe déjà avec ce numéro OFII.")


@transaction.atomic
def create_file(user, values, *, channel="web"):
    beneficiary = Beneficiary(
        **values,
        ofii_organisation=user.active_membership.organisation,
        last_activity_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            beneficiary.save()
    except IntegrityError as error:
        # The form checked the number; another request created it since: nothing is written.
        raise DuplicateFile from error
    audit.record(user, audit.Action.CREATE, OBJECT_TYPE, beneficiary.pk, channel=channel)
    return beneficiary


@transaction.atomic
def correct_file(user, beneficiary_id, values, *, channel="web"):
    """Applies ``values`` to a file and keeps the previous value of every changed field."""
    beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary_id)
    changes = {}
    for field, new in values.items():
        old = getattr(beneficiary, field)
        if old != new:
            changes[field] = {"old": _as_text(old), "new": _as_text(new)}
            setattr(beneficiary, field, new)
    if not changes:
        return beneficiary, {}
    beneficiary.last_activity_at = timezone.now()
    beneficiary.save()
    membership = user.active_membership
    Correction.objects.create(
        beneficiary=beneficiary,
        author=user,
        organisation=membership.organisation if membership else None,
        channel=channel,
        changes=changes,
    )
    audit.record(
        user,
        audit.Action.UPDATE,
        OBJECT_TYPE,
        beneficiary.pk,
        channel=channel,
        detail="fields: " + ",".join(sorted(changes)),
    )
    return beneficiary, changes


def touch(beneficiary_id, at=None):
    """Marks activity on a file (the retention period starts again). Other apps call it too."""
    Beneficiary.objects.filter(pk=beneficiary_id).update(last_activity_at=at or timezone.now())


@transaction.atomic
def record_interview(user, beneficiary, form):
    interview = form.save(commit=False)
    interview.beneficiary = beneficiary
    interview.auditor = user
    interview.organisation = user.active_membership.organisation
    interview.save()
    form.save_m2m()
    touch(beneficiary.pk)
    audit.record(
        user, audit.Action.UPDATE, OBJECT_TYPE, beneficiary.pk, detail=f"interview:{interview.pk}"
    )
    return interview


@transaction.atomic
def record_qualification(user, beneficiary, form):
    qualification = form.save(commit=False)
    qualification.beneficiary = beneficiary
    qualification.save()
    touch(beneficiary.pk)
    audit.record(
        user,
        audit.Action.UPDATE,
        OBJECT_TYPE,
        beneficiary.pk,
        detail=f"qualification:{qualification.pk}",
    )
    return qualification


def start_import(user, file_name, text):
    """Queues the import of a CSV text (decoded) for the user's organisation; returns the job."""
    with transaction.atomic():
        job = ImportJob.objects.create(
            organisation=user.active_membership.organisation,
            created_by=user,
            file_name=file_name[:255],
            content=text,
        )
        enqueue(tasks.run_import, [job.pk], key=f"import-{job.pk}")
    return job


# --- Anonymisation (RGPD retention: ``retention`` selects the files, this erases them) ----------

# Apps above this one (referrals) register their own eraser; it takes a queryset of the
# beneficiaries being anonymised.
ERASERS = []


def register_eraser(eraser):
    if eraser not in ERASERS:
        ERASERS.append(eraser)
    return eraser


@transaction.atomic
def anonymise(ids, now=None):
    """Anonymises the files ``ids`` (one transaction); returns how many were.

    Only what the statistics need is kept: sex, birth year (the date becomes 1 January of that
    year, so the age band stays), nationality, permit kind, the path's dates, French level, RQTH,
    higher education and the OFII directorate. Names, contact details, free text and the history
    of corrections are erased. Interviews keep their kind, date, levels, hours and SPE decision,
    but lose their notes. An anonymised file is never opened again (``visible_to`` excludes it).
    """
    now = now or timezone.now()
    files = Beneficiary.objects.select_for_update().filter(pk__in=ids, anonymised_at__isnull=True)
    ids = list(files.values_list("pk", flat=True))
    if not ids:
        return 0
    files = Beneficiary.objects.filter(pk__in=ids)
    for eraser in ERASERS:
        eraser(files)
    Interview.objects.filter(beneficiary_id__in=ids).update(
        family_situation="", social_situation="", professional_situation="", notes=""
    )
    Interview.resources.through.objects.filter(interview__beneficiary_id__in=ids).delete()
    Qualification.objects.filter(beneficiary_id__in=ids).update(title="—")
    Correction.objects.filter(beneficiary_id__in=ids).delete()
    files.update(
        birth_date=TruncYear("birth_date"),
        ofii_number=Concat(Value("ANON-"), F("pk")),
        last_name="",
        first_name="",
        search_key="",
        commune="",
        postcode="",
        email="",
        phone="",
        france_travail_id="",
        education_level="",
        languages=[],
        professional_experience="",
        target_jobs=[],
        anonymised_at=now,
    )
    audit.record_many(None, audit.Action.ANONYMISE, "beneficiary", ids, channel="job")
    return len(ids)
