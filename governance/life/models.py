"""Activities, news, programmes and programme entries (see the package's docstring)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from core.validators import BOUNDED_DATE
from partners.models import Department, DepartmentScopedQuerySet, Organisation
from referrals.storage import private_storage

from ..models import Agreement, AgreementPartQuerySet


class Activity(models.Model):
    """A dated partnership activity between agents (no person is named: people met is a count)."""

    class Kind(models.TextChoices):
        IMMERSION = "immersion", _("Immersion")
        VISIT = "visit", _("Visite")
        WORKING_MEETING = "working_meeting", _("Réunion de travail")
        PERMANENCE = "permanence", _("Permanence du SPE sur une plateforme OFII")
        CIVIC_TRAINING = "civic_training", _("Participation aux journées de formation civique")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"), validators=BOUNDED_DATE)
    place = models.CharField(_("lieu"), max_length=300)
    organisations = models.ManyToManyField(
        Organisation, related_name="+", verbose_name=_("organisations participantes")
    )
    agents = models.PositiveSmallIntegerField(_("nombre d'agents participants"))
    people_met = models.PositiveIntegerField(
        _("personnes rencontrées"), default=0, help_text=_("Un nombre : aucun nom.")
    )
    report = models.TextField(_("compte rendu succinct"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AgreementPartQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("activité partenariale")
        verbose_name_plural = _("activités partenariales")
        constraints = [
            models.CheckConstraint(condition=Q(agents__gte=1), name="activity_has_agents")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.held_on:%d/%m/%Y}"


class NewsQuerySet(DepartmentScopedQuerySet):
    def visible_to(self, user):
        """News of the person's department addressed to all partners, to their organisation, or
        written by it (platform admins: all)."""
        news = super().visible_to(user)
        if not getattr(user, "is_authenticated", False) or user.is_superuser:
            return news
        if user.active_membership is None:
            return news.none()
        organisation_id = user.active_membership.organisation_id
        return news.filter(
            Q(to_all=True) | Q(audience=organisation_id) | Q(author_organisation=organisation_id)
        ).distinct()


def news_document_path(instance, filename):
    import uuid

    return f"news-documents/{uuid.uuid4().hex}.{instance.document_extension}"


class News(models.Model):
    """A short news item to the partners' networks (art. 6): no personal data."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    author_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("publiée par")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("titre"), max_length=200)
    text = models.TextField(_("texte"), max_length=3000)
    to_all = models.BooleanField(_("à tous les partenaires"), default=True)
    audience = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("destinataires")
    )
    # Checked by its content (``filetype``), stored under a random name, served by a scoped view.
    document = models.FileField(
        _("document"), storage=private_storage, upload_to=news_document_path, blank=True
    )
    document_type = models.CharField(max_length=50, blank=True)
    published_at = models.DateTimeField(_("publiée le"), default=timezone.now, db_index=True)

    objects = NewsQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("actualité")

    def __str__(self):
        return self.title

    @property
    def document_extension(self):
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
            self.document_type, "bin"
        )


class DigestOptOut(models.Model):
    """A person who does not want the monthly news digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="news_digest_opt_out"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.user_id}"


class Programme(models.Model):
    """A national or local programme (reference data kept by the coordination)."""

    class Kind(models.TextChoices):
        HOPE = "hope", "HOPE"
        PIC = "pic", "PIC"
        AGIR = "agir", "AGIR"
        CEJ = "cej", _("CEJ (contrat d'engagement jeune)")
        LOCAL = "local", _("Programme local")

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    operators = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("opérateurs")
    )
    starts_on = models.DateField(_("début"), null=True, blank=True, validators=BOUNDED_DATE)
    ends_on = models.DateField(_("fin"), null=True, blank=True, validators=BOUNDED_DATE)
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)

    objects = DepartmentScopedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("programme")
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="programme_unique_name")
        ]

    def __str__(self):
        return self.name


class ProgrammeEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Entries of the files the person may see (``Beneficiary.objects.visible_to``)."""
        return self.filter(beneficiary__in=Beneficiary.objects.visible_to(user))


class ProgrammeEntry(models.Model):
    """A person's entry into a programme, and its exit."""

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Parcours achevé")
        JOB = "job", _("Emploi")
        TRAINING = "training", _("Formation")
        DROPPED = "dropped", _("Abandon")
        OTHER = "other", _("Autre")

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="programme_entries"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="entries", verbose_name=_("programme")
    )
    operator = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("opérateur")
    )
    entered_on = models.DateField(_("date d'entrée"), validators=BOUNDED_DATE)
    exited_on = models.DateField(
        _("date de sortie"), null=True, blank=True, validators=BOUNDED_DATE
    )
    outcome = models.CharField(_("issue"), max_length=10, choices=Outcome.choices, blank=True)
    # The followed referral it was recorded on, when a counsellor recorded it.
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProgrammeEntryQuerySet.as_manager()

    class Meta:
        ordering = ["entered_on", "pk"]
        verbose_name = _("entrée en programme")
        constraints = [
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True, outcome="")
                | Q(exited_on__isnull=False, outcome__gt="")
                & Q(exited_on__gte=models.F("entered_on")),
                name="programme_entry_exit_has_outcome",
            )
        ]

    def __str__(self):
        return f"{self.programme} ({self.entered_on:%d/%m/%Y})"
