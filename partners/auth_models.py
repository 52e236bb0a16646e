"""Models of signing in: API tokens (stored hashed) and ProConnect identities.

Imported by ``partners/models/__init__.py`` so that Django registers them with the app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        """Neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def visible_to(self, user):
        """A person sees their own personal tokens; an organisation's admins its service tokens."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        scope = Q(user=user, kind=ApiToken.Kind.PERSONAL)
        membership = user.active_membership
        if membership is not None and membership.is_admin:
            scope |= Q(kind=ApiToken.Kind.SERVICE, organisation_id=membership.organisation_id)
        return self.filter(scope)


class ApiToken(models.Model):
    """An API token. Only the SHA-256 digest of the key is stored: the key is shown once.

    A personal token acts as its owner. A service token acts as the service account of an
    organisation (``User.is_service``), for that organisation's information system.
    """

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("personnel")
        SERVICE = "service", _("service (système d'information)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.PERSONAL)
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_tokens",
    )
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(_("début du jeton"), max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_reason = models.CharField(_("motif de révocation"), max_length=30, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="personal", organisation__isnull=True)
                | Q(kind="service", organisation__isnull=False),
                name="apitoken_service_iff_organisation",
            )
        ]

    def __str__(self):
        return f"{self.prefix}… ({self.get_kind_display()})"

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


class ProConnectIdentity(models.Model):
    """A ProConnect subject (``sub``) linked to an account, through an admin's invitation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proconnect_identities"
    )
    sub = models.CharField(_("identifiant ProConnect"), max_length=255, unique=True)
    linked_at = models.DateTimeField(_("relié le"), default=timezone.now)

    class Meta:
        verbose_name = _("identité ProConnect")
        verbose_name_plural = _("identités ProConnect")

    def __str__(self):
        return f"ProConnect → {self.user_id}"
