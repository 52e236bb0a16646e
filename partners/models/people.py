"""People: the user (an e-mail address, no user name), their memberships of organisations and
the invitations that create them."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .organisations import Organisation


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # The same normalisation as the lockout's (partners.accounts): one account, one counter.
        from ..accounts import normalise_login

        return self.get(email__iexact=normalise_login(username))


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse électronique"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    is_staff = models.BooleanField(_("accès à l'administration"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    # The account of an organisation's information system: acts through service API tokens only.
    is_service = models.BooleanField(_("compte de service"), default=False)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("utilisateur")

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @cached_property
    def active_membership(self):
        """The membership the person acts through (one active at a time), or None."""
        return (
            self.memberships.filter(is_active=True)
            .select_related("organisation__department")
            .first()
        )

    @property
    def organisation(self):
        membership = self.active_membership
        return membership.organisation if membership else None


class AdministeredQuerySet(models.QuerySet):
    """Rows of an organisation's administration (invitations, members): seen by the
    organisation's administrators (all, for platform admins)."""

    def scope(self, user):
        """The Q of the rows ``user`` may see, None for none (platform admins: see ``visible_to``)."""
        membership = user.active_membership
        if membership is None or not membership.is_admin:
            return None
        return Q(organisation_id=membership.organisation_id)

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        scope = self.scope(user)
        return self.none() if scope is None else self.filter(scope)


class MembershipQuerySet(AdministeredQuerySet):
    """A person also sees their own memberships."""

    def scope(self, user):
        scope = super().scope(user)
        return Q(user=user) if scope is None else scope | Q(user=user)


class Membership(models.Model):
    """A person's place in an organisation. Deactivated, never deleted: history keeps its author."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    is_admin = models.BooleanField(_("administrateur de l'organisation"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    joined_at = models.DateTimeField(_("arrivé le"), default=timezone.now)
    deactivated_at = models.DateTimeField(_("désactivé le"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "user"]
        verbose_name = _("appartenance")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_active=True), name="membership_one_active_per_user"
            ),
            models.CheckConstraint(
                condition=Q(is_active=True, deactivated_at__isnull=True)
                | Q(is_active=False, deactivated_at__isnull=False),
                name="membership_deactivated_at_iff_inactive",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation}"


class Invitation(models.Model):
    """An invitation to join an organisation, sent by e-mail as a link with a secret token.

    Only a SHA-256 digest of the token is stored: the link itself exists only in the e-mail.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("adresse électronique"))
    is_admin = models.BooleanField(_("administrateur de l'organisation"), default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AdministeredQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True, accepted_by__isnull=True)
                | Q(accepted_at__isnull=False, accepted_by__isnull=False),
                name="invitation_accepted_by_iff_accepted",
            )
        ]

    def __str__(self):
        return f"invitation {self.pk} → {self.organisation_id}"

    @property
    def is_pending(self):
        return self.accepted_at is None and self.expires_at > timezone.now()
