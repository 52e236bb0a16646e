"""The work around a file: its imports, the history of its corrections, the liaison sheets printed
for the person, and the platform admin's repair view of it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation
from partners.roles import Cap, Role, has_capability, role_of

from .file import Beneficiary, OfFileQuerySet


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
