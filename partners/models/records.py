"""What the platform keeps about itself: the audit trail of reads and changes, and the
heartbeats of its background services."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organisations import Organisation


class AuditEntryQuerySet(models.QuerySet):
    def about(self, object_type, object_id):
        """Rows about one record: opened alone, or shown in a list, a panel or an export."""
        object_id = str(object_id)
        return self.filter(object_type=object_type).filter(
            Q(object_id=object_id) | Q(object_ids__contains=f",{object_id},")
        )


class AuditEntry(models.Model):
    """Who read or changed which personal record, when, and for which organisation.

    Holds identifiers only, never the personal data itself.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("consultation")
        LIST = "list", _("liste")
        CREATE = "create", _("création")
        UPDATE = "update", _("modification")
        EXPORT = "export", _("export")
        DOWNLOAD = "download", _("téléchargement")
        ANONYMISE = "anonymise", _("anonymisation")
        TRANSITION = "transition", _("changement d'état")
        # Authentication and refusals (issue 11): no personal data, the account's id at most.
        LOGIN = "login", _("connexion")
        LOGIN_FAILED = "login_failed", _("échec de connexion")
        LOCKOUT = "lockout", _("blocage du compte")
        LOGOUT = "logout", _("déconnexion")
        SECOND_FACTOR = "second_factor", _("second facteur")
        PASSWORD_RESET = "password_reset", _("réinitialisation du mot de passe")
        TOKEN_CREATE = "token_create", _("création de jeton d'API")
        TOKEN_REVOKE = "token_revoke", _("révocation de jeton d'API")
        REFUSED = "refused", _("accès refusé")

    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("type d'objet"), max_length=50)
    object_id = models.CharField(_("identifiant"), max_length=50, blank=True)
    # A list, a panel or an export: the ids shown, in one row (",12,15,40,"), see ``about``.
    object_ids = models.TextField(_("identifiants affichés"), blank=True)
    channel = models.CharField(_("canal"), max_length=10, default="web")
    detail = models.CharField(_("détail"), max_length=255, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("entrée du journal d'accès")
        verbose_name_plural = _("journal d'accès")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        # Written once, never edited: the journal is evidence (only the retention purge deletes).
        if self.pk is not None and not self._state.adding:
            raise ValueError("An audit entry cannot be changed.")
        super().save(*args, **kwargs)

    @property
    def shown_ids(self):
        return [value for value in self.object_ids.split(",") if value]


class ServiceHeartbeat(models.Model):
    """Last sign of life of a background service (the Celery worker), shown by /health/."""

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"


# --- The directory: contacts, offers, resources, trainings (Paris agreement, article 2) ----------
