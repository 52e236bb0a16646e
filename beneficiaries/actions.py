"""Every change to a beneficiary's file, one function each (HOUSE.md): pages, the API, tasks and
commands call these. Straight-line: lock, check, write, history and audit rows, side effects on
commit."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, TruncYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from effects.outbox import enqueue
from partners import audit
from partners.choices import FRENCH_LEVEL_RANK
from partners.models import TrainingOffer

from . import tasks
from .models import (
    Beneficiary,
    Correction,
    ImportJob,
    Interview,
    InterviewKind,
    LiaisonSheet,
    Qualification,
    SpeDecision,
)

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


def _levels_changes(beneficiary, written, oral):
    """The file follows the latest test: its written and oral levels, and ``french_level`` the
    lower of the two. Returns the changes (for the history), the file updated in memory."""
    new = {"written_level": written or beneficiary.written_level}
    new["oral_level"] = oral or beneficiary.oral_level
    tested = [level for level in (new["written_level"], new["oral_level"]) if level]
    if tested:
        new["french_level"] = min(tested, key=lambda level: FRENCH_LEVEL_RANK[level])
    changes = {}
    for field, value in new.items():
        old = getattr(beneficiary, field)
        if value != old:
            changes[field] = {"old": _as_text(old), "new": _as_text(value)}
            setattr(beneficiary, field, value)
    return changes


def _take_place(training_offer):
    """Counts down one place of a session (locked row); a full session is a field error."""
    session = TrainingOffer.objects.select_for_update().get(pk=training_offer.pk)
    if session.places is not None and session.places_taken >= session.places:
        raise ValidationError(
            {"training_offer": _("Cette session est complète : choisissez-en une autre.")}
        )
    TrainingOffer.objects.filter(pk=session.pk).update(places_taken=F("places_taken") + 1)


@transaction.atomic
def record_interview(user, beneficiary, form):
    """Records an interview: the file's French level follows the test (the history keeps the
    previous levels), a prescribed session loses one place, the information notice is dated."""
    file = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    interview = form.save(commit=False)
    interview.beneficiary = file
    interview.auditor = user
    interview.organisation = user.active_membership.organisation
    if interview.training_offer_id:
        _take_place(interview.training_offer)
    interview.save()
    form.save_m2m()
    changes = _levels_changes(file, interview.written_level, interview.oral_level)
    if interview.information_notice and file.information_notice_on is None:
        file.information_notice_on = interview.held_on
        file.information_notice_by = user
        changes["information_notice_on"] = {"old": "", "new": _as_text(interview.held_on)}
    file.last_activity_at = timezone.now()
    file.save()
    if changes:
        Correction.objects.create(
            beneficiary=file,
            author=user,
            organisation=interview.organisation,
            channel="interview",
            changes=changes,
        )
    audit.record(
        user, audit.Action.UPDATE, OBJECT_TYPE, file.pk, detail=f"interview:{interview.pk}"
    )
    return interview


def latest_dispensation(beneficiary):
    """The latest personalised interview if it dispensed the person at their own request and
    they have not changed their mind since; else None."""
    latest = (
        Interview.objects.filter(beneficiary=beneficiary, kind=InterviewKind.PERSONALISED)
        .order_by("-held_on", "-created_at")
        .first()
    )
    if latest is None or latest.spe_decision != SpeDecision.DISPENSED:
        return None
    if beneficiary.changed_mind_at and beneficiary.changed_mind_at >= latest.created_at:
        return None
    return latest


def check_orientable(user, beneficiary, *, changed_mind=False, channel="web"):
    """Called by the referrals' ``send`` (in its transaction): a referral is sent only after the
    information notice, and a person dispensed at their own request only once they changed their
    mind (recorded here). Raises ``ValidationError`` otherwise."""
    file = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    if file.information_notice_on is None:
        raise ValidationError(
            {
                "information_notice": _(
                    "La personne n'a pas encore été informée du partage de son dossier avec le "
                    "partenaire du SPE : enregistrez l'information lors d'un entretien avant "
                    "d'orienter."
                )
            }
        )
    if latest_dispensation(file) is None:
        return
    if not changed_mind:
        raise ValidationError(
            {
                "confirm_changed_mind": _(
                    "La personne a été dispensée du SPE à sa demande expresse : confirmez "
                    "qu'elle a changé d'avis pour l'orienter."
                )
            }
        )
    now = timezone.now()
    Beneficiary.objects.filter(pk=file.pk).update(
        changed_mind_at=now, changed_mind_recorded_by=user, last_activity_at=now
    )
    Correction.objects.create(
        beneficiary=file,
        author=user,
        organisation=user.active_membership.organisation,
        channel=channel,
        changes={"changed_mind_at": {"old": "", "new": now.isoformat()}},
    )
    audit.record(user, audit.Action.UPDATE, OBJECT_TYPE, file.pk, detail="changed_mind")


@transaction.atomic
def record_liaison_sheet(user, beneficiary, *, language="", partner_name=""):
    """A liaison sheet printed for the person: on the timeline, and audited as an export."""
    sheet = LiaisonSheet.objects.create(
        beneficiary=beneficiary,
        printed_by=user,
        language=language,
        partner_name=partner_name[:200],
    )
    audit.record(
        user,
        audit.Action.EXPORT,
        OBJECT_TYPE,
        beneficiary.pk,
        detail=f"liaison_sheet:{language or 'fr'}",
    )
    return sheet


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
    LiaisonSheet.objects.filter(beneficiary_id__in=ids).delete()
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
        competences="",
        aptitudes="",
        motivations="",
        professional_project="",
        information_notice_by=None,
        changed_mind_recorded_by=None,
        anonymised_at=now,
    )
    audit.record_many(None, audit.Action.ANONYMISE, "beneficiary", ids, channel="job")
    return len(ids)
