"""The path recorded on the file: interviews (with the SPE decision and the prescribed French
course) and qualifications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import BOUNDED_DATE
from partners.choices import FrenchLevel
from partners.models import Organisation

from .file import Beneficiary, OfFileQuerySet, country_name, french_levels_text


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
