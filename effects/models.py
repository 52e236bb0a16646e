from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Effect(models.Model):
    """One side effect (an e-mail, a task to run), written in the transaction of the change that
    causes it. ``key`` names the effect: enqueuing the same key twice writes it once, and its task
    runs once even when the broker delivers it twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("À transmettre")
        SENT = "sent", _("Transmis au traitement")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Fait")
        FAILED = "failed", _("Échec définitif")

    key = models.CharField(_("clé"), max_length=200, unique=True)
    task = models.CharField(_("tâche"), max_length=200)
    args = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    # When the effect should next be handed to the broker (the relay looks again after it).
    due_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    # The exception's class and message, e-mail addresses masked.
    last_error = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        verbose_name = _("effet différé")
        verbose_name_plural = _("effets différés")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="effect_status_due_idx")]

    def __str__(self):
        return f"{self.task} {self.key} ({self.status})"

    @property
    def task_id(self):
        """The Celery task id of every delivery of this effect."""
        return f"effect-{self.pk}"
