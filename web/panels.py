"""The home pages' panels, composed across apps: each function runs its queries, writes the read
audit of the names it shows (``list_records``) and returns what its template displays.

Templates only display: no template tag queries the database.
"""

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from beneficiaries.models import Beneficiary, Interview, InterviewKind
from governance import queries
from governance.models import Agreement, AnnualReport, Meeting
from partners import access
from partners.roles import Cap, has_capability
from referrals.inbox import counts, for_list, overdue_first
from referrals.models import NOT_TAKEN_STATUSES, Referral, Status

REFERRAL_PANEL_SIZE = 8


# The OFII home's counts run over every file of the department: computed once per department
# for a few minutes (the same for every member of the department), not on every view.
FILES_SUMMARY_SECONDS = 300


def files_summary(user):
    """Counts for the OFII home panel (no names): one query over the department's files, cached
    per department for ``FILES_SUMMARY_SECONDS``."""
    year = timezone.localdate().year
    key = f"home:files_summary:{user.active_membership.organisation.department_id}:{year}"
    summary = cache.get(key)
    if summary is None:
        personalised = Interview.objects.filter(
            beneficiary=OuterRef("pk"), kind=InterviewKind.PERSONALISED
        )
        summary = (
            Beneficiary.objects.visible_to(user)
            .annotate(interviewed=Exists(personalised))
            .aggregate(
                total=Count("pk"),
                this_year=Count("pk", filter=Q(cir_signed_on__year=year)),
                without_interview=Count("pk", filter=Q(interviewed=False)),
            )
        )
        cache.set(key, summary, FILES_SUMMARY_SECONDS)
    return summary


def referral_summary(user, limit=REFERRAL_PANEL_SIZE):
    """Counts (one query), the first referrals needing attention (one query) and, for senders,
    those to re-orient (one query); the referrals it names are audited (one INSERT)."""
    qs = Referral.objects.visible_to(user)
    summary = {"counts": counts(qs)}
    if not has_capability(user, Cap.REFERRAL_ANSWER):
        # Refused or redirected, with no open referral left for the person: to re-orient.
        open_for_person = Referral.objects.open().filter(beneficiary=OuterRef("beneficiary_id"))
        summary["to_reorient"] = list(
            for_list(qs.filter(status__in=NOT_TAKEN_STATUSES))
            .filter(~Exists(open_for_person))
            .order_by("-answered_at")[:limit]
        )
    summary["items"] = list(for_list(overdue_first(qs.filter(status=Status.PENDING)))[:limit])
    shown = {r.pk: r for r in [*summary.get("to_reorient", []), *summary["items"]]}
    access.list_records(user, shown.values(), object_type="referral", detail="home")
    return summary


def governance_panel(user):
    """The agreement of the person's department, its cadence, next meetings and latest bilan."""
    agreements = Agreement.objects.visible_to(user)
    agreement = (
        agreements.filter(status=Agreement.Status.IN_FORCE).order_by("-starts_on").first()
        or agreements.order_by("-starts_on").first()
    )
    year = timezone.localdate().year
    panel = {"agreement": agreement, "year": year}
    if agreement is not None:
        panel.update(
            cadence=queries.cadence(agreement, year),
            end_warning=queries.end_warning(agreement),
            upcoming=list(
                Meeting.objects.visible_to(user)
                .select_related("committee")
                .filter(committee__agreement=agreement, date__gte=timezone.now())
                .exclude(status=Meeting.Status.CANCELLED)
                .order_by("date")[:3]
            ),
            overdue_count=queries.overdue_follow_ups(agreement).count(),
            latest_report=AnnualReport.objects.visible_to(user)
            .filter(agreement=agreement)
            .order_by("-year", "-version")
            .first(),
        )
    return panel


def partner_panel(user):
    """The person's organisation in the directory: how many of its offers need a review."""
    organisation = user.organisation
    if organisation is None:
        return None
    return {"stale_count": organisation.offers.stale().count()}
