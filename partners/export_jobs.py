"""The export job: a spreadsheet of a filtered list too long for one request (issue "Scale").

Imported by ``partners.models`` (Django finds the model there). What an export holds is each app's
affair (``partners.exports`` keeps the registry of sources); this row tracks one run: who asked,
the filter, the progress, the file and until when it may be downloaded — by its requester only.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An export (its file holds personal data): its requester only."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(requested_by=user)


class ExportJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Prêt")
        FAILED = "failed", _("Échec technique")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    source = models.CharField(_("liste"), max_length=30)
    fmt = models.CharField(_("format"), max_length=4)
    # The list's query string (its filters), kept with the job: what was exported.
    query = models.TextField(_("filtre"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    written_rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        app_label = "partners"
        ordering = ["-created_at"]
        verbose_name = _("export")

    def __str__(self):
        return f"export {self.pk} {self.source} ({self.status})"

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def progress(self):
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.written_rows * 100 / self.total_rows))
