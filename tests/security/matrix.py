"""The expected answers of the access matrix (tests/security/test_access_matrix.py).

One entry per route of the URLconf (its name; admin routes are walked apart): the checks to make,
each saying who reaches the route (``who``: the personas of tests/security/world.py) and with what
answer (``ok``). Every other signed-in persona gets 404; the anonymous and the deactivated member
are sent to the login page (pages) or answered 401 (API), unless the route is open (``public``).
A check on a record (``record``) is made on the Paris record, then, by those who reach it, on the
Seine-Saint-Denis one and on a missing id: both answer 404.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from .world import YEAR

OFII, RECEIVER, OTHER_ORG = "ofii", "receiver", "other_org"
COORDINATOR, PARTNER, ADMIN = "coordinator", "partner", "platform_admin"
OTHER_DEPT, DEACTIVATED, ANONYMOUS = "other_dept", "deactivated", "anonymous"
PERSONAS = (
    ANONYMOUS,
    DEACTIVATED,
    OFII,
    RECEIVER,
    OTHER_ORG,
    COORDINATOR,
    PARTNER,
    OTHER_DEPT,
    ADMIN,
)
MEMBERS = frozenset({OFII, RECEIVER, OTHER_ORG, COORDINATOR, PARTNER, ADMIN, OTHER_DEPT})
PARIS = MEMBERS - {OTHER_DEPT}  # who sees a Paris record of the directory or the governance
EDITORS = frozenset({COORDINATOR, ADMIN})  # governance editors (platform admins: every department)
ORG_ADMINS = frozenset({RECEIVER, ADMIN})  # administrators of Mission Locale Paris
FILES = frozenset({OFII, RECEIVER})  # the Paris person's file: its OFII, the receiver referred to
OFII_ONLY = frozenset({OFII})
CASEWORK = frozenset({OFII, RECEIVER, OTHER_ORG, OTHER_DEPT})  # referral lists, each its own
STATISTICS = MEMBERS - {PARTNER}
NOBODY = frozenset()
OFIIS = OFII_ONLY | {OTHER_DEPT}  # each OFII in its own department
RECEIVERS = frozenset({RECEIVER, OTHER_ORG})  # who answers referrals (caseload)
LEADS = EDITORS | OFII_ONLY  # who writes an action's bilan: its lead (OFII Paris) and editors
# Members who administer an organisation (not the platform admins): its webhooks.
MEMBER_ADMINS = frozenset({OFII, RECEIVER, COORDINATOR, OTHER_DEPT})
KEEPERS = frozenset({RECEIVER, ADMIN})  # Mission Locale Paris keeps the resources
NOT_FOUND_ONLY = frozenset()  # France Travail's reconciliation: no persona is France Travail


@dataclass(frozen=True)
class Check:
    url: object  # record (or None) -> path
    who: frozenset
    record: str | None = None  # attribute of world.own / world.foreign
    method: str = "get"
    ok: object = 200  # an answer, or {persona: answer}
    data: object = None  # world -> request data
    public: int | None = None  # the answer to the anonymous and the deactivated, if open to them
    scoped: frozenset = field(default=frozenset())  # ``who`` members also checked out of scope

    def expected(self, persona):
        if persona in (ANONYMOUS, DEACTIVATED):
            return self.public
        if persona not in self.who:
            return 404
        return self.ok.get(persona, 200) if isinstance(self.ok, dict) else self.ok


def by_pk(name, *extra, query=""):
    return lambda r: reverse(name, args=[r.pk, *extra]) + query


def of_org(name):
    return lambda r: reverse(name, args=[r.organisation_id, r.pk])


def of_referral(name):
    """A document's route, under its referral."""
    return lambda r: reverse(name, args=[r.referral_id, r.pk])


def for_year(name, year):
    return lambda r: reverse(name, args=[r.pk, year])


def fixed(name, *args, query=""):
    return lambda r: reverse(name, args=list(args)) + query


def page(name, who, *args, **kwargs):
    return (Check(fixed(name, *args), who, **kwargs),)


def on(record, name, who, *extra, url=None, **kwargs):
    return (Check(url or by_pk(name, *extra), who, record=record, **kwargs),)


def post(name, who, *args, ok=302, **kwargs):
    return (Check(fixed(name, *args), who, method="post", ok=ok, **kwargs),)


def post_on(record, name, who, *extra, url=None, ok=302, **kwargs):
    return (Check(url or by_pk(name, *extra), who, record=record, method="post", ok=ok, **kwargs),)


GOVERNANCE_READ = {
    "agreement_detail": "agreement",
    "action_plan": "agreement",
    "meeting_detail": "meeting",
    "meeting_ics": "meeting",
    "amendment_document": "amendment",
}
GOVERNANCE_FORMS = {
    "agreement_edit": "agreement",
    "signatory_add": "agreement",
    "axis_add": "agreement",
    "amendment_add": "agreement",
    "termination": "agreement",
    "action_create": "agreement",
    "meeting_create": "agreement",
    "action_edit": "action",
    "indicator_add": "action",
    "indicator_year": "indicator",
    "meeting_edit": "meeting",
}
GOVERNANCE_POSTS = {
    "meeting_hold": "meeting",
    "meeting_cancel": "meeting",
    "meeting_attendance": "meeting",
    "decision_add": "meeting",
    "follow_up_add": "meeting",
    "meeting_invite": "meeting",
    "follow_up_status": "follow_up",
}

ROUTES = {
    # --- sign-in and account pages: open to everyone ------------------------------------------
    "health": page("health", MEMBERS, public=200),
    "login": page("login", MEMBERS, ok=302, public=200),  # signed in: sent on to the home page
    "logout": post("logout", MEMBERS, public=302),
    "password_reset": page("password_reset", MEMBERS, public=200),
    "password_reset_done": page("password_reset_done", MEMBERS, public=200),
    "password_reset_confirm": page("password_reset_confirm", MEMBERS, "MQ", "x-y", public=200),
    "password_reset_complete": page("password_reset_complete", MEMBERS, public=200),
    # An unknown invitation: the same 404 page for everyone.
    "invitation_accept": page("invitation_accept", NOBODY, "unknown-token", public=404),
    "health_web": page("health_web", MEMBERS, public=200),
    # ProConnect is off unless configured (tests/security/test_proconnect.py turns it on): 404.
    "proconnect_login": page("proconnect_login", NOBODY, public=404),
    "proconnect_callback": page("proconnect_callback", NOBODY, public=404),
    "invitation_accept_proconnect": post(
        "invitation_accept_proconnect", NOBODY, "unknown-token", public=404
    ),
    # --- « Mon compte »: one's own second factor and tokens; an organisation's service tokens --
    "account": page("account", MEMBERS),
    "second_factor_setup": page("second_factor_setup", MEMBERS),
    # Verified (or with no device yet): sent on (home page, or the enrolment).
    "second_factor_verify": page("second_factor_verify", MEMBERS, ok=302),
    "second_factor_recovery": post("second_factor_recovery", MEMBERS, ok=200),
    "token_list": page("token_list", MEMBERS),
    "token_revoke": post_on("token", "token_revoke", OFII_ONLY),
    # Its admins (not the platform admins: they do not act for an information system).
    "service_tokens": on("organisation", "service_tokens", frozenset({RECEIVER})),
    # An export job and its file: its requester only.
    "export_job": on("export", "export_job", OFII_ONLY),
    "export_download": on("export", "export_download", OFII_ONLY),
    # --- web ----------------------------------------------------------------------------------
    "home": page("home", MEMBERS),
    "to_reorient": page("to_reorient", OFIIS),
    # --- directory ----------------------------------------------------------------------------
    "organisation_list": page("organisation_list", MEMBERS),
    "organisation_create": page("organisation_create", frozenset({ADMIN})),
    "organisation_detail": on("organisation", "organisation_detail", PARIS),
    "organisation_edit": on("organisation", "organisation_edit", ORG_ADMINS),
    "member_list": on("organisation", "member_list", ORG_ADMINS),
    "member_grant_admin": post_on("membership", None, ORG_ADMINS, url=of_org("member_grant_admin")),
    "member_remove_admin": post_on(
        "membership", None, ORG_ADMINS, url=of_org("member_remove_admin")
    ),
    "member_deactivate": post_on("membership", None, ORG_ADMINS, url=of_org("member_deactivate")),
    "contact_create": on("organisation", "contact_create", ORG_ADMINS),
    "contact_edit": on("contact", None, ORG_ADMINS, url=of_org("contact_edit")),
    "contact_delete": post_on("contact", None, ORG_ADMINS, url=of_org("contact_delete")),
    "offer_create": on("organisation", "offer_create", ORG_ADMINS),
    "offer_edit": on("offer", None, ORG_ADMINS, url=of_org("offer_edit")),
    "offer_reviewed": post_on("offer", None, ORG_ADMINS, url=of_org("offer_reviewed")),
    "offer_list": page("offer_list", MEMBERS),
    "resource_list": page("resource_list", MEMBERS),
    "training_list": page("training_list", MEMBERS),
    "resource_create": page("resource_create", frozenset({RECEIVER})),
    "resource_edit": on("resource", "resource_edit", KEEPERS),
    "resource_reviewed": post_on("resource", "resource_reviewed", KEEPERS),
    # An employer's partnership: its administrators (none here) or the coordination.
    "partnership_edit": on("employer", "partnership_edit", EDITORS),
    # --- data exchange: an organisation's webhooks (its administrators; not platform admins) --
    "exchange:webhooks": page("exchange:webhooks", MEMBER_ADMINS),
    "exchange:webhook_change": post_on("webhook", "exchange:webhook_change", frozenset({RECEIVER})),
    "training_import": page("training_import", EDITORS),
    # --- beneficiaries ------------------------------------------------------------------------
    "beneficiaries:list": page("beneficiaries:list", OFII_ONLY | {OTHER_DEPT}),
    "beneficiaries:export": page("beneficiaries:export", OFII_ONLY | {OTHER_DEPT}, "csv")
    + page("beneficiaries:export", OFII_ONLY | {OTHER_DEPT}, "xlsx"),
    "beneficiaries:create": page("beneficiaries:create", OFII_ONLY | {OTHER_DEPT}),
    "beneficiaries:import": page("beneficiaries:import", OFII_ONLY | {OTHER_DEPT}),
    "beneficiaries:import_sample": page("beneficiaries:import_sample", OFII_ONLY | {OTHER_DEPT}),
    "beneficiaries:import_detail": on("job", "beneficiaries:import_detail", OFII_ONLY),
    "beneficiaries:detail": on("person", "beneficiaries:detail", FILES),
    "beneficiaries:edit": on("person", "beneficiaries:edit", OFII_ONLY),
    "beneficiaries:interview_create": on("person", "beneficiaries:interview_create", OFII_ONLY),
    "beneficiaries:qualification_create": on(
        "person", "beneficiaries:qualification_create", OFII_ONLY
    ),
    "beneficiaries:rights": on("person", "beneficiaries:rights", OFII_ONLY),
    "beneficiaries:rights_json": on("person", "beneficiaries:rights_json", OFII_ONLY),
    "beneficiaries:skills": on("person", "beneficiaries:skills", OFII_ONLY),
    "beneficiaries:liaison_sheet": post_on(
        "person", "beneficiaries:liaison_sheet", OFII_ONLY, ok=200
    ),
    "beneficiaries:end_of_cir": page("beneficiaries:end_of_cir", OFIIS),
    "beneficiaries:trainings": page("beneficiaries:trainings", OFIIS),
    # --- referrals ----------------------------------------------------------------------------
    "referrals:inbox": page("referrals:inbox", CASEWORK),
    "referrals:export": page("referrals:export", CASEWORK, "csv"),
    "referrals:preferences": page("referrals:preferences", CASEWORK),
    "referrals:new": on("person", "referrals:new", OFII_ONLY),
    "referrals:detail": on("referral", "referrals:detail", FILES),
    "referrals:bulk": post("referrals:bulk", frozenset({RECEIVER, OTHER_ORG})),
    "referrals:follow_up": post_on("referral", "referrals:follow_up", frozenset({RECEIVER})),
    "referrals:act": post_on("referral", "referrals:act", FILES, "accept"),
    "referrals:caseload": page("referrals:caseload", RECEIVERS),
    "referrals:assign": post_on("referral", "referrals:assign", frozenset({RECEIVER})),
    # An empty message: the form again, with its errors.
    "referrals:message": post_on("referral", "referrals:message", FILES, ok=400),
    "referrals:document_download": on(
        "document", None, FILES, url=of_referral("referrals:document_download")
    ),
    # --- governance ---------------------------------------------------------------------------
    "governance:index": page("governance:index", MEMBERS),
    "governance:agreement_create": page("governance:agreement_create", EDITORS),
    **{
        f"governance:{name}": on(record, f"governance:{name}", PARIS)
        for name, record in GOVERNANCE_READ.items()
    },
    "governance:action_plan_download": on(
        "agreement", "governance:action_plan_download", PARIS, "csv"
    ),
    **{
        f"governance:{name}": on(record, f"governance:{name}", EDITORS)
        for name, record in GOVERNANCE_FORMS.items()
    },
    **{
        f"governance:{name}": post_on(record, f"governance:{name}", EDITORS)
        for name, record in GOVERNANCE_POSTS.items()
    },
    "governance:meeting_list": page("governance:meeting_list", MEMBERS),
    # --- life of the partnership (issue 18) ---------------------------------------------------
    "governance:activity_list": on("agreement", "governance:activity_list", PARIS),
    # The coordination and the signatories' members (the agreement has none here).
    "governance:activity_create": on("agreement", "governance:activity_create", EDITORS),
    "governance:thematic_group_add": on("agreement", "governance:thematic_group_add", EDITORS),
    "governance:resource_keepers": on("agreement", "governance:resource_keepers", EDITORS),
    "governance:renewal": on("agreement", "governance:renewal", EDITORS),
    "governance:news_list": page("governance:news_list", MEMBERS),
    "governance:news_create": page("governance:news_create", frozenset({COORDINATOR})),
    "governance:news_document": on("news", "governance:news_document", PARIS),
    "governance:news_digest": post("governance:news_digest", MEMBERS),
    "governance:programme_list": page("governance:programme_list", MEMBERS),
    # Platform admins create no programme nor news: they belong to no department.
    "governance:programme_create": page("governance:programme_create", frozenset({COORDINATOR})),
    # A programme entry: the counsellor on the referral it follows, the OFII on the file.
    "governance:programme_entry_referral": on(
        "followed", "governance:programme_entry_referral", frozenset({RECEIVER})
    ),
    "governance:programme_entry_file": on("person", "governance:programme_entry_file", OFII_ONLY),
    "governance:programme_exit": on("entry", "governance:programme_exit", frozenset({RECEIVER})),
    "governance:pack_request": post_on("meeting", "governance:pack_request", EDITORS),
    "governance:pack_download": on("pack", "governance:pack_download", PARIS, "pdf")
    + on("pack", "governance:pack_download", PARIS, "xlsx"),
    "governance:statistics": page("governance:statistics", STATISTICS),
    "governance:statistics_download": (
        Check(
            fixed("governance:statistics_download", "all", "xlsx", query=f"?year={YEAR}"),
            STATISTICS,
        ),
    ),
    "governance:bilan:list": page("governance:bilan:list", MEMBERS),
    "governance:bilan:request": post("governance:bilan:request", EDITORS, ok=400),
    "governance:bilan:detail": on("report", "governance:bilan:detail", EDITORS),
    "governance:bilan:status": on("report", "governance:bilan:status", EDITORS),
    "governance:bilan:download": on("report", "governance:bilan:download", EDITORS),
    "governance:bilan:validate": post_on("report", "governance:bilan:validate", EDITORS, ok=400),
    "governance:bilan:draft": on(
        "agreement", None, EDITORS, url=for_year("governance:bilan:draft", YEAR - 1)
    ),
    "governance:bilan:contribution": on(
        "action", None, LEADS, url=for_year("governance:bilan:contribution", YEAR - 1)
    ),
    # --- API (/api/v1/) -----------------------------------------------------------------------
    "api-token": post("api-token", MEMBERS, ok=400, public=400),
    "api-root": page("api-root", MEMBERS),
    "api-schema": page("api-schema", MEMBERS),
    "api-docs": page("api-docs", MEMBERS),
    "apitoken-list": page("apitoken-list", MEMBERS),
    # Revoking one's own token (no GET: the key is never shown again).
    "apitoken-detail": (
        Check(by_pk("apitoken-detail"), OFII_ONLY, record="token", method="delete", ok=204),
    ),
    "organisation-list": page("organisation-list", MEMBERS),
    "organisation-detail": on("organisation", "organisation-detail", PARIS),
    # Writing an offer: an organisation's administrators (an empty body: 400).
    "offer-list": page("offer-list", MEMBERS) + post("offer-list", MEMBER_ADMINS, ok=400),
    "offer-detail": on("offer", "offer-detail", PARIS)
    + (
        Check(
            by_pk("offer-detail"),
            frozenset({RECEIVER}),
            record="offer",
            method="patch",
            data=lambda w: {"title": "Offre"},
        ),
    ),
    "training-list": page("training-list", MEMBERS),
    "training-detail": on("training", "training-detail", PARIS),
    "resource-list": page("resource-list", MEMBERS),
    "resource-detail": on("resource", "resource-detail", PARIS),
    "interview-list": page("interview-list", CASEWORK),
    "interview-detail": on("interview", "interview-detail", FILES),
    "qualification-list": page("qualification-list", CASEWORK),
    "qualification-detail": on("qualification", "qualification-detail", FILES),
    "followup-list": page("followup-list", CASEWORK) + post("followup-list", CASEWORK, ok=400),
    "followup-detail": on("referral_follow_up", "followup-detail", FILES),
    "tombstone-list": page("tombstone-list", MEMBERS),
    "reconciliation-list": page("reconciliation-list", NOT_FOUND_ONLY)
    + post("reconciliation-list", NOT_FOUND_ONLY, ok=400),
    "reconciliation-detail": on("reconciliation", "reconciliation-detail", NOT_FOUND_ONLY),
    "webhook-list": page("webhook-list", MEMBER_ADMINS)
    + post("webhook-list", MEMBER_ADMINS, ok=400),
    "webhook-detail": on("webhook", "webhook-detail", frozenset({RECEIVER}))
    + (
        Check(
            by_pk("webhook-detail"),
            frozenset({RECEIVER}),
            record="webhook",
            method="patch",
            data=lambda w: {"is_active": False},
        ),
        Check(
            by_pk("webhook-detail"),
            frozenset({RECEIVER}),
            record="webhook",
            method="delete",
            ok=204,
        ),
    ),
    "webhook-deliveries": on("webhook", "webhook-deliveries", frozenset({RECEIVER})),
    "beneficiary-list": page("beneficiary-list", CASEWORK)
    + post("beneficiary-list", OFII_ONLY | {OTHER_DEPT}, ok=400),
    "beneficiary-detail": on("person", "beneficiary-detail", FILES)
    + (
        Check(
            by_pk("beneficiary-detail"),
            OFII_ONLY,
            record="person",
            method="patch",
            data=lambda w: {"commune": "Paris"},
            ok=200,
        ),
    ),
    "referral-list": page("referral-list", CASEWORK)
    + post("referral-list", OFII_ONLY | {OTHER_DEPT}, ok=400),
    "referral-detail": on("referral", "referral-detail", FILES),
    # An empty body: the sender may cancel, the receiver accept; a transition that is not theirs
    # answers 409; an answer that needs fields (reason, outcome, organisation) 400.
    "referral-accept": post_on("referral", "referral-accept", FILES, ok={OFII: 409, RECEIVER: 200}),
    "referral-cancel": post_on("referral", "referral-cancel", FILES, ok={OFII: 200, RECEIVER: 409}),
    "referral-start": post_on("referral", "referral-start", FILES, ok=409),
    **{
        f"referral-{action}": post_on("referral", f"referral-{action}", FILES, ok=400)
        for action in ("close", "redirect", "refuse")
    },
    # The review (« à l'étude ») is the receiver's; the sender's answers 409.
    "referral-review": post_on("referral", "referral-review", FILES, ok={OFII: 409, RECEIVER: 200}),
    # No counsellor given: 400 (the receiver only, while the referral is open).
    "referral-assign": post_on("referral", "referral-assign", frozenset({RECEIVER}), ok=400),
    "referral-messages": on("referral", "referral-messages", FILES)
    + post_on("referral", "referral-messages", FILES, ok=400),
    "referral-documents": on("referral", "referral-documents", FILES)
    + post_on("referral", "referral-documents", FILES, ok=400),
    "referral-document-download": on(
        "document", None, FILES, url=of_referral("referral-document-download")
    ),
    "agreement-list": page("agreement-list", MEMBERS),
    "agreement-detail": on("agreement", "agreement-detail", PARIS),
    "meeting-list": page("meeting-list", MEMBERS),
    "meeting-detail": on("meeting", "meeting-detail", PARIS),
    "statistics-list": (Check(fixed("statistics-list", query=f"?year={YEAR}"), STATISTICS),),
    "report-list": page("report-list", MEMBERS) + post("report-list", EDITORS, ok=400),
    "report-detail": on("report", "report-detail", EDITORS),
    "report-download": on("report", "report-download", EDITORS),
}
