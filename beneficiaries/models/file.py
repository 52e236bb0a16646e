"""The CIR signatory's file: its vocabulary (permits, sex, education, job-seeker status), the
name keys duplicates are found by, and the beneficiary with its scoping (``visible_to``)."""

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
from partners.roles import Role, role_of


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
            # The list of one directorate's files in name order (its deep pages: the ids of a
            # page are read from this index alone, core.pagination).
            models.Index(
                fields=["ofii_organisation", "last_name", "first_name", "id"],
                condition=Q(anonymised_at__isnull=True),
                name="beneficiary_org_visible_name",
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
        from ..skills import languages_display

        return languages_display(self.languages)

    @property
    def target_jobs_labels(self):
        from ..skills import target_jobs_display

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
