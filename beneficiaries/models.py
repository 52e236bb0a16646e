"""The CIR signatory's file and path: beneficiary, interviews, qualifications."""

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.dates import age_on, years_after
from core.publics import BPI_PERMIT_KINDS, UNDER_AGE
from core.validators import BOUNDED_DATE
from partners.choices import FrenchLevel
from partners.models import Organisation
from partners.roles import Cap, Role, has_capability, role_of


class PermitKind(models.TextChoices):
    FAMILY = "family", _("Familial")
    WORK = "work", _("Travail")
    REFUGEE = "refugee", _("Réfugié")
    SUBSIDIARY_PROTECTION = "subsidiary_protection", _("Protection subsidiaire")
    STATELESS = "stateless", _("Apatride")
    APS = "aps", _("Autorisation provisoire de séjour")
    OTHER = "other", _("Autre")


# The agreement's public: a first permit less than five years old.
ELIGIBILITY_YEARS = 5


class Sex(models.TextChoices):
    F = "F", _("Femme")
    M = "M", _("Homme")


class EducationLevel(models.TextChoices):
    NONE = "none", _("Non scolarisé")
    PRIMARY = "primary", _("Primaire")
    SECONDARY = "secondary", _("Secondaire")
    VOCATIONAL = "vocational", _("Professionnel")
    HIGHER = "higher", _("Supérieur")


class JobSeekerStatus(models.TextChoices):
    REGISTERED = "registered", _("Inscrit à France Travail")
    NOT_REGISTERED = "not_registered", _("Non inscrit")
    UNKNOWN = "unknown", _("Inconnu")


# Codes django-countries lacks: Kosovo (user-assigned XK) and a stateless person or an
# undetermined nationality (XX).
EXTRA_COUNTRIES = {"XK": _("Kosovo"), "XX": _("Apatride ou nationalité indéterminée")}


def country_name(code):
    """The French name of an ISO 3166-1 alpha-2 code (the code itself when unknown)."""
    code = (code or "").upper()
    if code in EXTRA_COUNTRIES:
        return str(EXTRA_COUNTRIES[code])
    return str(countries.name(code)) or code


def normalise(text):
    """Lower case, no accents, single spaces: "Élodie  N'DIAYE" → "elodie n'diaye"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.lower().replace("-", " ").split())


def name_key(last_name, first_name):
    """The search key of a name, to find duplicates and search whatever the accents and case."""
    return f"{normalise(last_name)} {normalise(first_name)}".strip()


class BeneficiaryQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)  # a generator would be consumed here and insert nothing
        for obj in objs:
            obj.search_key = name_key(obj.last_name, obj.first_name)
        return super().bulk_create(objs, *args, **kwargs)

    def visible_to(self, user):
        """The one scope of personal files (DESIGN.md §4).

        OFII: the files of its department. A receiving partner: the people with a referral
        addressed to its organisation. Everyone else: nothing. Anonymised files stay for the
        statistics but are never opened by name.
        """
        role = role_of(user)
        qs = self.filter(anonymised_at__isnull=True)
        if role == Role.OFII:
            department_id = user.active_membership.organisation.department_id
            return qs.filter(ofii_organisation__department_id=department_id)
        if role == Role.RECEIVER:
            organisation_id = user.active_membership.organisation_id
            return qs.filter(referrals__to_organisation_id=organisation_id).distinct()
        return self.none()

    def repairable_by(self, user):
        """The platform admin's repair pages (partners/admin_repair.py): the files not
        anonymised, for a platform administrator only; nothing for anyone else."""
        if role_of(user) != Role.PLATFORM_ADMIN:
            return self.none()
        return self.filter(anonymised_at__isnull=True)

    def of_department(self, department_id):
        """All files of a department, for aggregated statistics only (never shown by name)."""
        return self.filter(ofii_organisation__department_id=department_id)


class Beneficiary(models.Model):
    ofii_number = models.CharField(_("numéro de dossier OFII"), max_length=20, unique=True)
    last_name = models.CharField(_("nom"), max_length=150)
    first_name = models.CharField(_("prénom"), max_length=150)
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date de naissance"), validators=BOUNDED_DATE)
    nationality = models.CharField(
        _("nationalité"), max_length=2, help_text=_("Code ISO 3166 alpha-2")
    )
    permit_kind = models.CharField(_("titre de séjour"), max_length=30, choices=PermitKind.choices)
    first_permit_date = models.DateField(_("date du premier titre"), validators=BOUNDED_DATE)
    cir_signed_on = models.DateField(
        _("date de signature du CIR"), null=True, blank=True, validators=BOUNDED_DATE
    )
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    email = models.EmailField(_("adresse électronique"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    appointment_reminders = models.BooleanField(
        _("rappel des rendez-vous par courriel"),
        default=True,
        help_text=_("Décochez si la personne ne souhaite pas recevoir de rappel par courriel."),
    )
    rqth = models.BooleanField(_("RQTH"), default=False)
    higher_education = models.BooleanField(_("diplômé du supérieur"), default=False)
    education_level = models.CharField(
        _("niveau d'études"), max_length=20, choices=EducationLevel.choices, blank=True
    )
    languages = models.JSONField(_("langues parlées"), default=list, blank=True)
    french_level = models.CharField(
        _("niveau de français"), max_length=4, choices=FrenchLevel.choices, default=FrenchLevel.NONE
    )
    # The latest test's levels (an interview sets them, with a correction row as history);
    # ``french_level`` then follows the lower of the two.
    written_level = models.CharField(
        _("niveau écrit (dernier test)"), max_length=4, choices=FrenchLevel.choices, blank=True
    )
    oral_level = models.CharField(
        _("niveau oral (dernier test)"), max_length=4, choices=FrenchLevel.choices, blank=True
    )
    france_travail_id = models.CharField(_("identifiant France Travail"), max_length=20, blank=True)
    job_seeker_status = models.CharField(
        _("situation de demandeur d'emploi"),
        max_length=20,
        choices=JobSeekerStatus.choices,
        default=JobSeekerStatus.UNKNOWN,
    )
    professional_experience = models.TextField(_("expérience professionnelle"), blank=True)
    target_jobs = models.JSONField(_("métiers visés (codes ROME)"), default=list, blank=True)
    # The skills assessment (2010 convention): its own form, with languages and target jobs.
    competences = models.TextField(_("compétences"), blank=True)
    aptitudes = models.TextField(_("aptitudes"), blank=True)
    motivations = models.TextField(_("motivations"), blank=True)
    professional_project = models.TextField(_("projet professionnel"), blank=True)
    # The information notice (the file is shared with the SPE partner): recorded at an interview.
    information_notice_on = models.DateField(
        _("informée du partage le"), null=True, blank=True, validators=BOUNDED_DATE
    )
    information_notice_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("informée par"),
    )
    # Dispensed from the SPE at their own request, then changed their mind (art. 3.1).
    changed_mind_at = models.DateTimeField(
        _("a changé d'avis sur la dispense le"), null=True, blank=True
    )
    changed_mind_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changement d'avis enregistré par"),
    )
    ofii_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="beneficiary_files",
        verbose_name=_("direction territoriale OFII"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    last_activity_at = models.DateTimeField(
        _("dernière activité"), default=timezone.now, db_index=True
    )
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)
    # Normalised "last first" name (no accents, lower case), kept in step by save() and
    # bulk_create(): an index for duplicate checks and searches, not a fact about the person.
    search_key = models.CharField(max_length=310, blank=True, db_index=True, editable=False)

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("bénéficiaire")
        indexes = [
            models.Index(fields=["last_name", "first_name", "birth_date"]),
            # The list in name order, anonymised files (empty names) left out (issue "Scale";
            # a trigram index on search_key exists on PostgreSQL only: migration 0003).
            models.Index(
                fields=["last_name", "first_name", "id"],
                condition=Q(anonymised_at__isnull=True),
                name="beneficiary_visible_name",
            ),
            models.Index(fields=["ofii_organisation", "cir_signed_on"], name="beneficiary_org_cir"),
            models.Index(fields=["updated_at", "id"], name="beneficiary_sync_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cir_signed_on__isnull=True)
                | Q(cir_signed_on__gte=models.F("first_permit_date")),
                name="beneficiary_cir_after_permit",
            ),
        ]

    def __str__(self):
        return f"{self.last_name} {self.first_name} ({self.ofii_number})"

    def save(self, *args, **kwargs):
        self.search_key = name_key(self.last_name, self.first_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"last_name", "first_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    # Derived facts: computed, never stored.
    def age_on(self, day):
        return age_on(self.birth_date, day)

    @property
    def age(self):
        return self.age_on(timezone.localdate())

    @property
    def is_under_26(self):
        return self.age < UNDER_AGE

    @property
    def nationality_label(self):
        return country_name(self.nationality)

    @property
    def is_bpi(self):
        return self.permit_kind in BPI_PERMIT_KINDS

    @cached_property
    def eligible_until(self):
        return years_after(self.first_permit_date, ELIGIBILITY_YEARS)

    @property
    def languages_labels(self):
        from .skills import languages_display

        return languages_display(self.languages)

    @property
    def target_jobs_labels(self):
        from .skills import target_jobs_display

        return target_jobs_display(self.target_jobs)

    @cached_property
    def prescribed_session(self):
        """The training session of the latest prescription naming one (one query)."""
        interview = (
            self.interviews.filter(training_offer__isnull=False)
            .select_related("training_offer")
            .order_by("-held_on", "-created_at")
            .first()
        )
        return interview.training_offer if interview else None

    @property
    def french_levels_display(self):
        """ "A2 (oral) / A1 (écrit)" from the latest test, else the file's level label."""
        if self.oral_level or self.written_level:
            return french_levels_text(self.written_level, self.oral_level)
        return self.get_french_level_display()


def french_levels_text(written, oral):
    from django.utils.translation import gettext

    labels = dict(FrenchLevel.choices)
    parts = []
    if oral:
        parts.append(gettext("%(level)s (oral)") % {"level": labels.get(oral, oral)})
    if written:
        parts.append(gettext("%(level)s (écrit)") % {"level": labels.get(written, written)})
    return " / ".join(parts)


class OfFileQuerySet(models.QuerySet):
    """Records about a person's file (interviews, qualifications): seen with the file."""

    def visible_to(self, user):
        return self.filter(beneficiary__in=Beneficiary.objects.visible_to(user))


class CorrectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The history of corrections: those who may edit the file (OFII), on the files they see."""
        if not has_capability(user, Cap.BENEFICIARY_EDIT):
            return self.none()
        return self.filter(beneficiary__in=Beneficiary.objects.visible_to(user))


class ImportJobQuerySet(models.QuerySet):
    def repairable_by(self, user):
        """The platform admin's list of imports (never their text): for a platform administrator
        only."""
        return self if role_of(user) == Role.PLATFORM_ADMIN else self.none()

    def visible_to(self, user):
        """An import (its file holds personal data): its organisation's members who may edit."""
        if not has_capability(user, Cap.BENEFICIARY_EDIT):
            return self.none()
        return self.filter(organisation_id=user.active_membership.organisation_id)


class InterviewKind(models.TextChoices):
    PERSONALISED = "personalised", _("Entretien personnalisé")
    END_OF_CIR = "end_of_cir", _("Entretien de fin de CIR")
    SKILLS_ASSESSMENT = "skills_assessment", _("Bilan de compétences")


class SpeDecision(models.TextChoices):
    ORIENTED = "oriented", _("Orienté vers le SPE")
    DISPENSED = "dispensed", _("Dispensé à sa demande expresse")
    ALREADY_FOLLOWED = "already_followed", _("Déjà suivi")
    NOT_JOB_SEEKING = "not_job_seeking", _("Pas en recherche d'emploi")


PRESCRIBED_HOURS = [(h, f"{h} h") for h in (0, 100, 200, 400, 600)]


class FrenchCourse(models.TextChoices):
    """The 100-hour courses towards A2 and B1 are prescriptions of their own."""

    HOURS = "", _("Parcours selon les heures prescrites")
    A2_100 = "A2_100", _("Cours A2 (100 h)")
    B1_100 = "B1_100", _("Cours B1 (100 h)")


COURSE_LEVELS = {FrenchCourse.A2_100: "A2", FrenchCourse.B1_100: "B1"}


class Interview(models.Model):
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="interviews"
    )
    kind = models.CharField(_("type"), max_length=20, choices=InterviewKind.choices)
    held_on = models.DateField(_("date"), validators=BOUNDED_DATE)
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("auditeur"),
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    written_level = models.CharField(
        _("niveau écrit"), max_length=4, choices=FrenchLevel.choices, blank=True
    )
    oral_level = models.CharField(
        _("niveau oral"), max_length=4, choices=FrenchLevel.choices, blank=True
    )
    prescribed_hours = models.PositiveSmallIntegerField(
        _("heures de français prescrites"), choices=PRESCRIBED_HOURS, default=0
    )
    french_course = models.CharField(
        _("cours de français"), max_length=10, choices=FrenchCourse.choices, blank=True
    )
    target_level = models.CharField(
        _("niveau visé"), max_length=4, choices=FrenchLevel.choices[1:], blank=True
    )
    training_offer = models.ForeignKey(
        "partners.TrainingOffer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prescriptions",
        verbose_name=_("session de formation prescrite"),
    )
    information_notice = models.BooleanField(
        _("personne informée du partage de son dossier avec le partenaire du SPE"), default=False
    )
    civic_training = models.BooleanField(_("formation civique prescrite"), default=True)
    family_situation = models.TextField(_("situation familiale"), blank=True)
    social_situation = models.TextField(_("situation sociale"), blank=True)
    professional_situation = models.TextField(_("situation professionnelle"), blank=True)
    resources = models.ManyToManyField(
        "partners.Resource", blank=True, related_name="+", verbose_name=_("ressources proposées")
    )
    spe_decision = models.CharField(
        _("décision SPE"), max_length=20, choices=SpeDecision.choices, blank=True
    )
    notes = models.TextField(_("observations"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfFileQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-created_at"]
        verbose_name = _("entretien")
        indexes = [models.Index(fields=["updated_at", "id"], name="interview_sync_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="personalised") | ~Q(spe_decision=""),
                name="interview_personalised_has_spe_decision",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on}"

    @property
    def levels_display(self):
        return french_levels_text(self.written_level, self.oral_level) or "—"


class Qualification(models.Model):
    class Kind(models.TextChoices):
        DIPLOMA = "diploma", _("Diplôme étranger")
        EXPERIENCE = "experience", _("Expérience professionnelle")

    class Recognition(models.TextChoices):
        NONE = "none", _("Aucune demande")
        ENIC_NARIC = "enic_naric", "ENIC-NARIC"
        VAE = "vae", "VAE"

    class Result(models.TextChoices):
        PENDING = "pending", _("En cours")
        RECOGNISED = "recognised", _("Reconnu")
        PARTIAL = "partial", _("Partiellement reconnu")
        REFUSED = "refused", _("Refusé")

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    country = models.CharField(_("pays"), max_length=2, blank=True)
    obtained_year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    recognition = models.CharField(
        _("reconnaissance demandée"),
        max_length=20,
        choices=Recognition.choices,
        default=Recognition.NONE,
    )
    requested_on = models.DateField(
        _("demandée le"), null=True, blank=True, validators=BOUNDED_DATE
    )
    result = models.CharField(_("résultat"), max_length=20, choices=Result.choices, blank=True)
    result_on = models.DateField(_("résultat le"), null=True, blank=True, validators=BOUNDED_DATE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfFileQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("qualification")
        indexes = [models.Index(fields=["updated_at", "id"], name="qualification_sync_idx")]

    def __str__(self):
        return self.title

    @property
    def country_label(self):
        return country_name(self.country)


# --- Import jobs and the history of corrections --------------------------------------------------


class ImportJob(models.Model):
    """A CSV import of beneficiary files: a row with a status, claimed atomically by a task.

    The uploaded text is kept only until the job ends (it holds personal data).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        CHECKING = "checking", _("Vérification en cours")
        WRITING = "writing", _("Enregistrement en cours")
        DONE = "done", _("Importé")
        REJECTED = "rejected", _("Refusé : lignes en erreur")
        FAILED = "failed", _("Échec technique")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(_("fichier"), max_length=255, blank=True)
    content = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    total_lines = models.PositiveIntegerField(default=0)
    processed_lines = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    # [{"line": 3, "message": "…"}]: every faulty line, with its number and reason.
    errors = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker's last sign of life; a job silent for IMPORT_STALE_SECONDS is failed (tasks.py).
    alive_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import de bénéficiaires")
        verbose_name_plural = _("imports de bénéficiaires")

    def __str__(self):
        return f"import {self.pk} ({self.status})"

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.REJECTED, self.Status.FAILED)

    @property
    def progress(self):
        """Percentage shown on the progress page."""
        if self.is_finished:
            return 100
        if not self.total_lines:
            return 0
        return min(99, int(self.processed_lines * 100 / self.total_lines))


class Correction(models.Model):
    """The history of a file: every change, field by field, with the previous value.

    Kept with the file (the person's right to rectification leaves a trace) and erased with it
    when the file is anonymised.
    """

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="corrections"
    )
    at = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    channel = models.CharField(max_length=10, default="web")
    # {"field": {"old": "…", "new": "…"}}
    changes = models.JSONField(default=dict)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("correction")

    def __str__(self):
        return f"correction {self.beneficiary_id} {self.at:%Y-%m-%d}"


class LiaisonSheet(models.Model):
    """A liaison sheet printed for the person (the timeline shows it)."""

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="liaison_sheets"
    )
    printed_at = models.DateTimeField(default=timezone.now)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("langue"), max_length=5, blank=True)
    partner_name = models.CharField(_("partenaire"), max_length=200, blank=True)

    objects = OfFileQuerySet.as_manager()

    class Meta:
        ordering = ["-printed_at"]
        verbose_name = _("fiche de liaison")
        verbose_name_plural = _("fiches de liaison")

    def __str__(self):
        return f"fiche de liaison {self.beneficiary_id} {self.printed_at:%Y-%m-%d}"


class FileUnderRepair(Beneficiary):
    """A file as the platform admin's repair page shows it: named by its number in the database,
    never by the person's name (page titles, the admin's own history)."""

    class Meta:
        proxy = True
        verbose_name = _("dossier (réparation)")
        verbose_name_plural = _("dossiers (réparation)")

    def __str__(self):
        return _("Dossier n° %(pk)s") % {"pk": self.pk}
