"""The CIR signatory's file (``file``), its path (``path``: interviews, qualifications) and the
work around it (``work``: imports, corrections, liaison sheets). One module per concern; every
name is imported from ``beneficiaries.models``."""

from .file import (  # noqa: F401
    ELIGIBILITY_YEARS,
    EXTRA_COUNTRIES,
    Beneficiary,
    BeneficiaryQuerySet,
    EducationLevel,
    JobSeekerStatus,
    OfFileQuerySet,
    PermitKind,
    Sex,
    country_name,
    french_levels_text,
    name_key,
    normalise,
)
from .path import (  # noqa: F401
    COURSE_LEVELS,
    PRESCRIBED_HOURS,
    FrenchCourse,
    Interview,
    InterviewKind,
    Qualification,
    SpeDecision,
)
from .work import (  # noqa: F401
    Correction,
    CorrectionQuerySet,
    FileUnderRepair,
    ImportJob,
    ImportJobQuerySet,
    LiaisonSheet,
)
