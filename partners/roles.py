"""What a person may do: DESIGN.md section 4, in one place.

Permissions follow the kind of the organisation of the person's active membership. Every view,
API endpoint and task asks here (through ``partners.access`` for views and the API) (``has_capability``), never the organisation kind directly.
Scoping *which* records a person sees is the job of each model's ``visible_to``; this module only
says whether a kind of action is open to them at all.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import OrganisationKind


class Role(models.TextChoices):
    OFII = "ofii", _("Auditeur OFII")
    RECEIVER = "receiver", _("Conseiller SPE")
    COORDINATOR = "coordinator", _("Coordination départementale")
    PARTNER = "partner", _("Partenaire")
    PLATFORM_ADMIN = "platform_admin", _("Administrateur de la plateforme")


RECEIVING_KINDS = {
    OrganisationKind.FRANCE_TRAVAIL,
    OrganisationKind.MISSION_LOCALE,
    OrganisationKind.CAP_EMPLOI,
}
COORDINATING_KINDS = {OrganisationKind.PREFECTURE, OrganisationKind.DDETS}


class Cap:
    """Capability names (strings, so that templates can ask for them too)."""

    BENEFICIARY_VIEW = "beneficiary.view"
    BENEFICIARY_EDIT = "beneficiary.edit"
    REFERRAL_VIEW = "referral.view"
    REFERRAL_SEND = "referral.send"
    REFERRAL_ANSWER = "referral.answer"
    GOVERNANCE_VIEW = "governance.view"
    GOVERNANCE_EDIT = "governance.edit"
    STATISTICS_VIEW = "statistics.view"
    REPORT_VIEW_PUBLISHED = "report.view_published"
    REPORT_VIEW_ALL = "report.view_all"
    REPORT_REQUEST = "report.request"
    REPORT_VALIDATE = "report.validate"
    DIRECTORY_VIEW = "directory.view"
    TRAINING_IMPORT = "training.import"
    ORGANISATION_CREATE = "organisation.create"


_COMMON = {Cap.GOVERNANCE_VIEW, Cap.REPORT_VIEW_PUBLISHED, Cap.DIRECTORY_VIEW}

CAPABILITIES = {
    Role.OFII: _COMMON
    | {
        Cap.BENEFICIARY_VIEW,
        Cap.BENEFICIARY_EDIT,
        Cap.REFERRAL_VIEW,
        Cap.REFERRAL_SEND,
        Cap.STATISTICS_VIEW,
    },
    Role.RECEIVER: _COMMON
    | {Cap.BENEFICIARY_VIEW, Cap.REFERRAL_VIEW, Cap.REFERRAL_ANSWER, Cap.STATISTICS_VIEW},
    Role.COORDINATOR: _COMMON
    | {
        Cap.GOVERNANCE_EDIT,
        Cap.STATISTICS_VIEW,
        Cap.REPORT_VIEW_ALL,
        Cap.REPORT_REQUEST,
        Cap.REPORT_VALIDATE,
        Cap.TRAINING_IMPORT,
    },
    Role.PARTNER: set(_COMMON),
    # Platform admins run the platform, not case work: no personal files through the pages.
    Role.PLATFORM_ADMIN: _COMMON
    | {
        Cap.GOVERNANCE_EDIT,
        Cap.STATISTICS_VIEW,
        Cap.REPORT_VIEW_ALL,
        Cap.REPORT_REQUEST,
        Cap.REPORT_VALIDATE,
        Cap.TRAINING_IMPORT,
        Cap.ORGANISATION_CREATE,
    },
}


def role_for_organisation(organisation):
    if organisation.kind == OrganisationKind.OFII:
        return Role.OFII
    if organisation.kind in COORDINATING_KINDS:
        return Role.COORDINATOR
    if organisation.kind in RECEIVING_KINDS or organisation.receives_referrals:
        return Role.RECEIVER
    return Role.PARTNER


def role_of(user):
    """The role of a person, or None (anonymous, or no active membership)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.PLATFORM_ADMIN
    membership = user.active_membership
    if membership is None:
        return None
    return role_for_organisation(membership.organisation)


def has_capability(user, capability):
    role = role_of(user)
    return role is not None and capability in CAPABILITIES[role]


def is_organisation_admin(user, organisation):
    """May this person manage the members and page of this organisation?"""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    membership = user.active_membership
    return bool(
        membership and membership.is_admin and membership.organisation_id == organisation.pk
    )


def resource_keepers(department_id):
    """The organisations that keep a department's base of resources: those the coordinator named
    (``Organisation.keeps_resources``), France Travail's when none is named (agreement, art. 2)."""
    from .models import Organisation

    organisations = Organisation.objects.filter(department_id=department_id)
    named = organisations.filter(keeps_resources=True)
    if named.exists():
        return named
    return organisations.filter(kind=OrganisationKind.FRANCE_TRAVAIL)


def may_keep_resources(user):
    """May this person add, edit and review the resources of their department? (One query.)"""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    membership = user.active_membership
    if membership is None:
        return False
    from django.db.models import Exists, OuterRef, Q

    from .models import Organisation

    named = Organisation.objects.filter(
        department_id=OuterRef("department_id"), keeps_resources=True
    )
    return (
        Organisation.objects.filter(pk=membership.organisation_id)
        .filter(Q(keeps_resources=True) | Q(kind=OrganisationKind.FRANCE_TRAVAIL) & ~Exists(named))
        .exists()
    )
