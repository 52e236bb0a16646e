"""A page cannot show a name without its audit row (HOUSE.md, "One door to open a record").

``test_every_route_is_classified`` walks the URLconf (the pages and the API router under
``/api/v1/``) and fails on a route missing from ``ROUTES``: whoever adds a route says here whether
it reads personal data. Every route that does is requested, as a persona allowed to see it, by
``test_personal_data_read_writes_its_audit``, which fails unless the request wrote at least one
``AuditEntry`` row.

"Personal data" is the beneficiaries' (files, interviews, referrals): the directory of the
partners' staff and the governance's aggregates are not audited reads.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import ImportJob, Qualification
from governance.life.models import Programme, ProgrammeEntry
from partners import exports
from partners.models import AuditEntry, ExportJob
from referrals.actions import accept, add_follow_up

from .beneficiaries.factories import valid_values
from .factories import BeneficiaryFactory, InterviewFactory, ReferralFactory
from .referrals.factories import document_on
from .routes import route_keys

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class NoPersonalData:
    why: str


@dataclass(frozen=True)
class Case:
    """One request of a personal-data route: as ``persona``, to ``path(records)``."""

    persona: str
    path: object  # records -> URL
    method: str = "get"
    data: object = None  # records -> POST data
    shows_name: bool = True  # the response carries the person's last name
    status: int = 200


@dataclass(frozen=True)
class PersonalDataRead:
    cases: tuple = field(default_factory=tuple)


def read(*cases):
    return PersonalDataRead(cases)


STATIC = NoPersonalData("fixed page or file, the same for everyone")
AUTH = NoPersonalData("sign-in and password pages: the person's own account")
DIRECTORY = NoPersonalData("the partners' directory: organisations, offers, staff contacts")
MEMBERS = NoPersonalData("an organisation's members and invitations: its administrators' page")
GOVERNANCE = NoPersonalData("the agreement's governance: committees, meetings, plan, staff")
AGGREGATES = NoPersonalData("masked aggregate figures, no person")
STATE_CHANGE = NoPersonalData("POST only: a state change, audited by its action")
SETTINGS = NoPersonalData("the person's own notification settings")


def reconciliation_upload(person):
    from django.core.files.uploadedfile import SimpleUploadedFile

    line = f"identifiant_france_travail;nom;prenom;date_naissance\n;{person.last_name};"
    line += f"{person.first_name};{person.birth_date.isoformat()}\n"
    return SimpleUploadedFile("demandeurs.csv", line.encode(), content_type="text/csv")


def api_detail(basename, attribute):
    return lambda r: reverse(f"{basename}-detail", args=[getattr(r, attribute).pk])


ROUTES = {
    # --- web: the home pages (their panels name people for the OFII and the receivers) ---------
    "home": read(
        Case("ofii", lambda r: reverse("home")),
        Case("mission_locale", lambda r: reverse("home")),
    ),
    "to_reorient": read(Case("ofii", lambda r: reverse("to_reorient"), shows_name=False)),
    # --- partners --------------------------------------------------------------------------------
    "health": NoPersonalData("liveness probe"),
    "health_web": NoPersonalData("liveness probe of the web container"),
    "login": AUTH,
    "logout": AUTH,
    "password_reset": AUTH,
    "password_reset_done": AUTH,
    "password_reset_confirm": AUTH,
    "password_reset_complete": AUTH,
    "invitation_accept": AUTH,
    "invitation_accept_proconnect": AUTH,
    "proconnect_login": AUTH,
    "proconnect_callback": AUTH,
    # « Mon compte »: the person's own second factor and API tokens; an organisation's service
    # tokens for its admins.
    "account": AUTH,
    "second_factor_setup": AUTH,
    "second_factor_verify": AUTH,
    "second_factor_recovery": AUTH,
    "token_list": AUTH,
    "token_revoke": AUTH,
    "service_tokens": MEMBERS,
    "organisation_list": DIRECTORY,
    "organisation_create": DIRECTORY,
    "organisation_detail": DIRECTORY,
    "organisation_edit": DIRECTORY,
    "contact_create": DIRECTORY,
    "contact_edit": DIRECTORY,
    "contact_delete": DIRECTORY,
    "offer_create": DIRECTORY,
    "offer_edit": DIRECTORY,
    "offer_reviewed": DIRECTORY,
    "offer_list": DIRECTORY,
    "resource_list": DIRECTORY,
    "resource_create": DIRECTORY,
    "resource_edit": DIRECTORY,
    "resource_reviewed": DIRECTORY,
    "partnership_edit": DIRECTORY,
    "training_list": DIRECTORY,
    "training_import": DIRECTORY,
    "member_list": MEMBERS,
    "member_grant_admin": MEMBERS,
    "member_remove_admin": MEMBERS,
    "member_deactivate": MEMBERS,
    # An export job: its page shows counts only (its view is audited); its file names people.
    "export_job": read(
        Case("ofii", lambda r: reverse("export_job", args=[r.export.pk]), shows_name=False)
    ),
    "export_download": read(Case("ofii", lambda r: reverse("export_download", args=[r.export.pk]))),
    # --- beneficiaries -------------------------------------------------------------------------
    "beneficiaries:list": read(Case("ofii", lambda r: reverse("beneficiaries:list"))),
    "beneficiaries:export": read(
        Case("ofii", lambda r: reverse("beneficiaries:export", args=["csv"])),
        Case("ofii", lambda r: reverse("beneficiaries:export", args=["xlsx"]), shows_name=False),
    ),
    "beneficiaries:create": read(
        # Its form shows the existing files of the same person (a duplicate warning).
        Case(
            "ofii",
            lambda r: reverse("beneficiaries:create"),
            method="post",
            data=lambda r: valid_values(
                last_name=r.person.last_name,
                first_name=r.person.first_name,
                birth_date=r.person.birth_date.isoformat(),
            ),
        ),
    ),
    "beneficiaries:import": NoPersonalData("the import form and the organisation's last jobs"),
    "beneficiaries:import_sample": STATIC,
    "beneficiaries:import_detail": read(
        Case(
            "ofii",
            lambda r: reverse("beneficiaries:import_detail", args=[r.job.pk]),
            shows_name=False,
        ),
    ),
    "beneficiaries:detail": read(
        Case("ofii", lambda r: reverse("beneficiaries:detail", args=[r.person.pk])),
        Case("mission_locale", lambda r: reverse("beneficiaries:detail", args=[r.person.pk])),
    ),
    "beneficiaries:edit": read(
        Case("ofii", lambda r: reverse("beneficiaries:edit", args=[r.person.pk]))
    ),
    "beneficiaries:interview_create": read(
        Case("ofii", lambda r: reverse("beneficiaries:interview_create", args=[r.person.pk]))
    ),
    "beneficiaries:qualification_create": read(
        Case("ofii", lambda r: reverse("beneficiaries:qualification_create", args=[r.person.pk]))
    ),
    "beneficiaries:rights": read(
        Case("ofii", lambda r: reverse("beneficiaries:rights", args=[r.person.pk]))
    ),
    "beneficiaries:rights_json": read(
        Case("ofii", lambda r: reverse("beneficiaries:rights_json", args=[r.person.pk]))
    ),
    "beneficiaries:skills": read(
        Case("ofii", lambda r: reverse("beneficiaries:skills", args=[r.person.pk]))
    ),
    "beneficiaries:liaison_sheet": read(
        Case(
            "ofii",
            lambda r: reverse("beneficiaries:liaison_sheet", args=[r.person.pk]),
            method="post",
            shows_name=False,  # a compressed PDF
        )
    ),
    "beneficiaries:end_of_cir": read(
        Case("ofii", lambda r: reverse("beneficiaries:end_of_cir"), shows_name=False)
    ),
    "beneficiaries:trainings": NoPersonalData("the trainings map: sessions and fill rates"),
    # --- referrals -----------------------------------------------------------------------------
    "referrals:inbox": read(
        Case("ofii", lambda r: reverse("referrals:inbox")),
        Case("mission_locale", lambda r: reverse("referrals:inbox")),
    ),
    "referrals:export": read(Case("ofii", lambda r: reverse("referrals:export", args=["csv"]))),
    "referrals:new": read(
        Case("ofii", lambda r: reverse("referrals:new", args=[r.other.pk]), shows_name=False)
    ),
    "referrals:detail": read(
        Case("mission_locale", lambda r: reverse("referrals:detail", args=[r.referral.pk]))
    ),
    "referrals:caseload": read(
        Case("mission_locale", lambda r: reverse("referrals:caseload") + "?tab=organisation")
    ),
    "referrals:document_download": read(
        Case(
            "mission_locale",
            lambda r: reverse("referrals:document_download", args=[r.referral.pk, r.document.pk]),
            shows_name=False,
        )
    ),
    "referrals:assign": STATE_CHANGE,
    "referrals:message": STATE_CHANGE,
    "referrals:bulk": STATE_CHANGE,
    "referrals:follow_up": STATE_CHANGE,
    "referrals:act": STATE_CHANGE,
    "referrals:preferences": SETTINGS,
    # --- exchange: an organisation's webhook endpoints (ids and states, no person) --------------
    "exchange:webhooks": MEMBERS,
    "exchange:webhook_change": MEMBERS,
    # --- governance ----------------------------------------------------------------------------
    **{
        f"governance:{name}": GOVERNANCE
        for name in (
            "index",
            "agreement_create",
            "agreement_detail",
            "agreement_edit",
            "signatory_add",
            "axis_add",
            "amendment_add",
            "amendment_document",
            "termination",
            "action_plan",
            "action_create",
            "meeting_create",
            "action_edit",
            "action_plan_download",
            "indicator_add",
            "indicator_year",
            "meeting_list",
            "meeting_detail",
            "meeting_edit",
            "meeting_hold",
            "meeting_cancel",
            "meeting_attendance",
            "decision_add",
            "follow_up_add",
            "meeting_invite",
            "meeting_ics",
            "follow_up_status",
        )
    },
    # The life of the partnership (issue 18): activities, news, programmes name no person.
    **{
        f"governance:{name}": GOVERNANCE
        for name in (
            "activity_list",
            "activity_create",
            "thematic_group_add",
            "resource_keepers",
            "renewal",
            "news_list",
            "news_create",
            "news_document",
            "news_digest",
            "programme_list",
            "programme_create",
        )
    },
    # A person's programme entries: opened through the referral or the file.
    "governance:programme_entry_referral": read(
        Case(
            "mission_locale",
            lambda r: reverse("governance:programme_entry_referral", args=[r.followed.pk]),
            shows_name=False,
        )
    ),
    "governance:programme_entry_file": read(
        Case(
            "ofii",
            lambda r: reverse("governance:programme_entry_file", args=[r.person.pk]),
            shows_name=False,
        )
    ),
    "governance:programme_exit": read(
        Case(
            "ofii",
            lambda r: reverse("governance:programme_exit", args=[r.entry.pk]),
            shows_name=False,
        )
    ),
    # The meeting pack: aggregated figures and organisation names, as the bilan.
    "governance:pack_request": AGGREGATES,
    "governance:pack_download": AGGREGATES,
    "governance:statistics": AGGREGATES,
    "governance:statistics_download": AGGREGATES,
    **{
        f"governance:bilan:{name}": AGGREGATES
        for name in (
            "list",
            "request",
            "detail",
            "status",
            "validate",
            "download",
            "draft",
            "contribution",
        )
    },
    # --- API (/api/v1/; the ``.json`` suffix variants share their route's name) ----------------
    "api-token": AUTH,
    "apitoken-list": AUTH,
    "apitoken-detail": AUTH,
    "api-root": STATIC,
    "api-schema": STATIC,
    "api-docs": STATIC,
    "organisation-list": DIRECTORY,
    "organisation-detail": DIRECTORY,
    "offer-list": DIRECTORY,
    "offer-detail": DIRECTORY,
    "beneficiary-list": read(Case("ofii", lambda r: reverse("beneficiary-list"))),
    "beneficiary-detail": read(Case("ofii", api_detail("beneficiary", "person"))),
    "referral-list": read(
        Case("ofii", lambda r: reverse("referral-list"), shows_name=False),
        Case("mission_locale", lambda r: reverse("referral-list"), shows_name=False),
    ),
    "referral-detail": read(
        Case("mission_locale", api_detail("referral", "referral"), shows_name=False)
    ),
    **{
        f"referral-{action}": STATE_CHANGE
        for action in (
            "accept",
            "assign",
            "cancel",
            "close",
            "redirect",
            "refuse",
            "review",
            "start",
        )
    },
    "referral-messages": read(
        Case(
            "ofii",
            lambda r: reverse("referral-messages", args=[r.referral.pk]),
            shows_name=False,
        ),
    ),
    "referral-documents": read(
        Case(
            "mission_locale",
            lambda r: reverse("referral-documents", args=[r.referral.pk]),
            shows_name=False,
        )
    ),
    "referral-document-download": read(
        Case(
            "ofii",
            lambda r: reverse("referral-document-download", args=[r.referral.pk, r.document.pk]),
            shows_name=False,
        )
    ),
    # --- data exchange (issue 17) ----------------------------------------------------------------
    "interview-list": read(Case("ofii", lambda r: reverse("interview-list"), shows_name=False)),
    "interview-detail": read(
        Case(
            "mission_locale",
            lambda r: reverse("interview-detail", args=[r.person.interviews.get().pk]),
            shows_name=False,
        )
    ),
    "qualification-list": read(
        Case("ofii", lambda r: reverse("qualification-list"), shows_name=False)
    ),
    "qualification-detail": read(
        Case(
            "ofii",
            lambda r: reverse("qualification-detail", args=[r.qualification.pk]),
            shows_name=False,
        )
    ),
    "followup-list": read(
        Case("mission_locale", lambda r: reverse("followup-list"), shows_name=False)
    ),
    "followup-detail": read(
        Case("ofii", api_detail("followup", "follow_up"), shows_name=False),
    ),
    "training-list": DIRECTORY,
    "training-detail": DIRECTORY,
    "resource-list": DIRECTORY,
    "resource-detail": DIRECTORY,
    "tombstone-list": NoPersonalData("ids and dates of records gone, no person"),
    "webhook-list": MEMBERS,
    "webhook-detail": MEMBERS,
    "webhook-deliveries": MEMBERS,
    # The counts of a run; its POST answers the matched files' ids (audited as a list).
    "reconciliation-list": read(
        Case(
            "france_travail",
            lambda r: reverse("reconciliation-list"),
            method="post",
            data=lambda r: {"file": reconciliation_upload(r.other)},
            shows_name=False,
            status=201,
        )
    ),
    "reconciliation-detail": AGGREGATES,
    "agreement-list": GOVERNANCE,
    "agreement-detail": GOVERNANCE,
    "meeting-list": GOVERNANCE,
    "meeting-detail": GOVERNANCE,
    "statistics-list": AGGREGATES,
    "report-list": AGGREGATES,
    "report-detail": AGGREGATES,
    "report-download": AGGREGATES,
}

# The Django admin (platform administrators): only the repair pages of files, referrals and import
# jobs (partners/admin_repair.py) hold beneficiaries' data; they never show a name, and each is an
# audited read. Every other admin page reads none (checked below).
ADMIN = NoPersonalData("the Django admin's reference data and technical lists")
PERSONAL_DATA_APPS = {"beneficiaries", "referrals"}


def admin_read(url_name, args=None):
    return read(
        Case(
            "platform_admin",
            lambda r: reverse(f"admin:{url_name}", args=args(r) if args else None),
            shows_name=False,
        )
    )


ADMIN_READS = {
    "admin:beneficiaries_fileunderrepair_changelist": admin_read(
        "beneficiaries_fileunderrepair_changelist"
    ),
    "admin:beneficiaries_fileunderrepair_change": admin_read(
        "beneficiaries_fileunderrepair_change", lambda r: [r.person.pk]
    ),
    "admin:beneficiaries_importjob_changelist": admin_read("beneficiaries_importjob_changelist"),
    "admin:beneficiaries_importjob_change": admin_read(
        "beneficiaries_importjob_change", lambda r: [r.job.pk]
    ),
    "admin:referrals_referral_changelist": admin_read("referrals_referral_changelist"),
    "admin:referrals_referral_change": admin_read(
        "referrals_referral_change", lambda r: [r.referral.pk]
    ),
}
ROUTES.update(ADMIN_READS)


def classification(key):
    if key in ADMIN_READS:
        return ADMIN_READS[key]
    if key.startswith("admin:"):
        return ADMIN
    return ROUTES.get(key)


def test_every_route_is_classified():
    from config.api_urls import router

    keys = set(route_keys())
    for _prefix, _viewset, basename in router.registry:
        assert any(key.startswith(f"{basename}-") for key in keys), basename
    unclassified = sorted(key for key in keys if classification(key) is None)
    print(
        f"{len(keys)} routes checked ({sum(not k.startswith('admin:') for k in keys)} outside admin)"
    )
    assert not unclassified, (
        "Routes missing from tests/test_read_audit.py ROUTES (say whether they read personal "
        f"data, and how to request them): {unclassified}"
    )
    stale = sorted(set(ROUTES) - keys)
    assert not stale, f"ROUTES names routes that no longer exist: {stale}"


def test_the_admin_holds_personal_data_only_on_its_audited_repair_pages():
    from partners.admin_repair import RepairAdmin

    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in PERSONAL_DATA_APPS:
            assert isinstance(model_admin, RepairAdmin), model


class NotAudited(AssertionError):
    """The request showed personal data and wrote no audit row."""


def read_cases():
    for key, entry in ROUTES.items():
        if not isinstance(entry, PersonalDataRead):
            continue
        for case in entry.cases:
            yield pytest.param(case, id=f"{key}[{case.persona}]")


@pytest.fixture
def records(orgs, ofii, mission_locale, settings, tmp_path):
    """One person of OFII Paris, interviewed and referred to the Mission Locale; another whose
    referral France Travail refused; one due for the end-of-CIR interview; another accepted by the
    Mission Locale (on its caseload); an import job of OFII Paris."""
    person = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"], last_name="Diallo", first_name="Aminata"
    )
    InterviewFactory(beneficiary=person)
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    referral = ReferralFactory(
        beneficiary=person, to_organisation=orgs["mission_locale"], sender=ofii
    )
    # Another Diallo, accepted by the Mission Locale: on its caseload, with a follow-up.
    followed = accept(
        mission_locale,
        ReferralFactory(
            beneficiary=BeneficiaryFactory(
                ofii_organisation=orgs["ofii"], last_name="Diallo", first_name="Moussa"
            ),
            to_organisation=orgs["mission_locale"],
            sender=ofii,
        ),
    )
    follow_up = add_follow_up(
        mission_locale, followed, kind="diagnostic", happened_on=timezone.localdate()
    )
    qualification = Qualification.objects.create(
        beneficiary=person, kind="diploma", title="Licence", country="SN"
    )
    other = BeneficiaryFactory(ofii_organisation=orgs["ofii"], last_name="Karimi")
    ReferralFactory(
        beneficiary=other,
        to_organisation=orgs["france_travail"],
        sender=ofii,
        status="refused",
        answered_at=timezone.now(),
        refusal_reason="unreachable",
    )
    today = timezone.localdate()
    BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        last_name="Mansour",
        first_permit_date=today - relativedelta(months=12),
        cir_signed_on=today - relativedelta(months=11),
    )
    settings.MEDIA_ROOT = tmp_path / "media"
    export = ExportJob.objects.create(requested_by=ofii, source="beneficiaries", fmt="csv")
    exports.run(export.pk)
    programme = Programme.objects.create(department=orgs["ofii"].department, name="CEJ", kind="cej")
    entry = ProgrammeEntry.objects.create(
        beneficiary=person,
        programme=programme,
        operator=orgs["mission_locale"],
        entered_on=today,
        recorded_by=ofii,
        organisation=orgs["ofii"],
    )
    return SimpleNamespace(
        export=export,
        person=person,
        other=other,
        follow_up=follow_up,
        qualification=qualification,
        referral=referral,
        followed=followed,
        entry=entry,
        document=document_on(referral, mission_locale),
        job=ImportJob.objects.create(
            organisation=orgs["ofii"], created_by=ofii, file_name="import.csv"
        ),
    )


@pytest.mark.parametrize("case", list(read_cases()))
def test_personal_data_read_writes_its_audit(client, request, records, case):
    user = request.getfixturevalue(case.persona)
    client.force_login(user)
    before = AuditEntry.objects.filter(actor=user).count()
    data = case.data(records) if case.data else None
    response = getattr(client, case.method)(case.path(records), data)
    assert response.status_code == case.status, response.status_code
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode("utf-8", errors="replace")
    if case.shows_name:
        assert records.person.last_name.lower() in body.lower()
    if AuditEntry.objects.filter(actor=user).count() == before:
        raise NotAudited(f"{case.method.upper()} {case.path(records)} wrote no audit row")
