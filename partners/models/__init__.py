"""The partners app's models: organisations (``organisations``), people (``people``), the audit
trail and service heartbeats (``records``) and the directory (``directory``). One module per
concern; every name is imported from ``partners.models``."""

from .directory import (  # noqa: F401
    EMPLOYER_OFFER_KINDS,
    OFFER_REVIEW_YEARS,
    Contact,
    ContactQuerySet,
    OfferKind,
    Resource,
    ResourceCategory,
    ResourceQuerySet,
    ServiceOffer,
    ServiceOfferQuerySet,
    TrainingOffer,
)
from .organisations import (  # noqa: F401
    EMPLOYER_KINDS,
    Department,
    DepartmentScopedQuerySet,
    Organisation,
    OrganisationKind,
)
from .people import (  # noqa: F401
    AdministeredQuerySet,
    Invitation,
    Membership,
    MembershipQuerySet,
    User,
    UserManager,
)
from .records import (  # noqa: F401
    AuditEntry,
    AuditEntryQuerySet,
    ServiceHeartbeat,
)

# isort: split
# Models kept beside the code that uses them, registered here (after the names they import):
# signing in (API tokens, ProConnect identities), the employers' partnership records, the export
# jobs of long lists.
from ..auth_models import ApiToken, ProConnectIdentity  # noqa: F401
from ..employers import EmployerPartnership  # noqa: F401
from ..export_jobs import ExportJob  # noqa: F401
