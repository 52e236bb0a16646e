"""Which statistics a person may read (DESIGN.md §4).

A person reads those of their own department; the OFII directorate that
holds the files reads them unmasked, everyone else masked; a receiving partner reads the referral
figures of its own organisation. Platform admins may choose the department.
"""

from partners.models import Department, Organisation
from partners.roles import Role, role_of


class ScopeError(Exception):
    """Bad statistics filter: ``field`` and a French message."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


def statistics_scope(user, department_code=None, organisation_id=None):
    """(department, organisation or None, masked) for this person, or ScopeError."""
    role = role_of(user)
    membership = user.active_membership
    if role == Role.PLATFORM_ADMIN or membership is None:
        departments = Department.objects.all()
        if department_code:
            departments = departments.filter(code=department_code)
        department = departments.order_by("code").first()
        if department is None:
            raise ScopeError("department", "Département inconnu.")
    else:
        department = membership.organisation.department
        if department_code and department_code != department.code:
            raise ScopeError("department", "Vous ne pouvez consulter que votre département.")
    organisation = None
    if role == Role.RECEIVER:
        organisation = membership.organisation
    elif organisation_id not in (None, ""):
        organisation = None
        if str(organisation_id).isdigit():
            organisation = Organisation.objects.filter(
                department=department, pk=organisation_id
            ).first()
        if organisation is None:
            raise ScopeError("organisation", "Partenaire inconnu dans ce département.")
    masked = role != Role.OFII
    return department, organisation, masked


def partners_of(department):
    return Organisation.objects.filter(department=department, receives_referrals=True).order_by(
        "name"
    )
