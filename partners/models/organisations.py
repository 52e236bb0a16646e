"""Departments and the organisations of the partnership, and the department scoping every
departmental queryset shares (``DepartmentScopedQuerySet``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")

    def __str__(self):
        return f"{self.name} ({self.code})"


class OrganisationKind(models.TextChoices):
    OFII = "ofii", _("OFII (direction territoriale)")
    FRANCE_TRAVAIL = "france_travail", _("France Travail")
    MISSION_LOCALE = "mission_locale", _("Mission Locale")
    CAP_EMPLOI = "cap_emploi", _("Cap emploi")
    PREFECTURE = "prefecture", _("Préfecture")
    DDETS = "ddets", _("DDETS / DRIEETS")
    CITY = "city", _("Collectivité")
    ASSOCIATION = "association", _("Association")
    EMPLOYER = "employer", _("Employeur")
    GEIQ = "geiq", _("GEIQ")
    OPCO = "opco", _("OPCO")
    BRANCH = "branch", _("Branche professionnelle")
    OTHER = "other", _("Autre")


# The employers' side of the directory (the refugees' page: employers, GEIQ, OPCO, branches).
EMPLOYER_KINDS = (
    OrganisationKind.EMPLOYER,
    OrganisationKind.GEIQ,
    OrganisationKind.OPCO,
    OrganisationKind.BRANCH,
)


class DepartmentScopedQuerySet(models.QuerySet):
    """Rows of a department: seen by everyone of that department (all, for platform admins)."""

    department_field = "department"

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        membership = user.active_membership
        if membership is None:
            return self.none()
        return self.filter(**{f"{self.department_field}_id": membership.organisation.department_id})


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("département"),
    )
    address = models.TextField(_("adresse"), blank=True)
    notification_email = models.EmailField(_("adresse de notification"), blank=True)
    receives_referrals = models.BooleanField(_("reçoit des orientations"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Keeps the department's base of social and partner resources (agreement, art. 2): set by
    # the coordinator; when no organisation of the department is named, France Travail keeps it
    # (``roles.may_keep_resources``).
    keeps_resources = models.BooleanField(_("tient la base de ressources"), default=False)

    objects = DepartmentScopedQuerySet.as_manager()

    class Meta:
        ordering = ["department__code", "name"]
        verbose_name = _("organisation")
        indexes = [models.Index(fields=["updated_at", "id"], name="organisation_sync_idx")]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="organisation_unique_name")
        ]

    def __str__(self):
        return self.name
