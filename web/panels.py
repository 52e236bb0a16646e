"""The home pages' panels, composed across apps: each function runs its queries, writes the read
audit of the names it shows (``list_records``) and returns what its template displays.

Templates only display: no template tag queries the database.
"""

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from beneficiaries import queries as file_queries
from beneficiaries.models import Beneficiary, Interview, InterviewKind
from core.dates import years_before
from governance import queries, statistics
from governance.models import Agreement, AnnualReport, Meeting, News
from governance.packs.snapshot import evolution
from governance.statistics.periods import Period
from partners import access
from partners.models import Resource
from partners.roles import Cap, has_capability, may_keep_resources
from referrals import caseload
from referrals.inbox import counts, for_list, overdue_first, sender_news
from referrals.messaging import unread
from referrals.models import AWAITING_ANSWER_STATUSES, NOT_TAKEN_STATUSES, Referral

REFERRAL_PANEL_SIZE = 8


# The OFII home's counts and the coordinator's key figures run over every file of the
# department: computed once per department for a few minutes (the same for every member of the
# department), not on every view.
FILES_SUMMARY_SECONDS = 300


def files_summary(user):
    """Counts for the OFII home panel (no names): the department's files, counted by the
    database, cached per department for ``FILES_SUMMARY_SECONDS``."""
    year = timezone.localdate().year
    key = f"home:files_summary:{user.active_membership.organisation.department_id}:{year}"
    return cache.get_or_set(key, lambda: _count_files(user, year), FILES_SUMMARY_SECONDS)


def _count_files(user, year):
    personalised = Interview.objects.filter(
        beneficiary=OuterRef("pk"), kind=InterviewKind.PERSONALISED
    )
    files = Beneficiary.objects.visible_to(user)
    summary = files.annotate(interviewed=Exists(personalised)).aggregate(
        total=Count("pk"),
        this_year=Count("pk", filter=Q(cir_signed_on__year=year)),
        without_interview=Count("pk", filter=Q(interviewed=False)),
    )
    # The five-year path ending within 6 months, and the end-of-CIR interviews due.
    summary["ending_soon"] = file_queries.ending_soon(files).count()
    summary["end_of_cir"] = file_queries.end_of_cir_due(files).count()
    return summary


def to_reorient(user):
    """Sent referrals refused or redirected, with no open referral left for the person: one row
    per person (their latest such referral), the latest answered first. Not audited here."""
    qs = Referral.objects.visible_to(user).filter(status__in=NOT_TAKEN_STATUSES)
    open_for_person = Referral.objects.open().filter(beneficiary=OuterRef("beneficiary_id"))
    latest = (
        Referral.objects.visible_to(user)
        .filter(beneficiary=OuterRef("beneficiary_id"), status__in=NOT_TAKEN_STATUSES)
        .order_by("-answered_at", "-pk")
        .values("pk")[:1]
    )
    return (
        for_list(qs.filter(~Exists(open_for_person)).filter(pk=Subquery(latest)))
        .select_related("redirected_to__to_organisation")
        .order_by("-answered_at", "-pk")
    )


def referral_summary(user, limit=REFERRAL_PANEL_SIZE):
    """Counts (one query), the first referrals needing attention (one query) and, for senders,
    those to re-orient (one query); the referrals it names are audited (one INSERT)."""
    qs = Referral.objects.visible_to(user)
    summary = {"counts": counts(qs), "unread": unread(user, qs).count()}
    if has_capability(user, Cap.REFERRAL_ANSWER):
        summary["caseload"] = caseload.counts(user, qs)
    else:
        summary["news"] = sender_news(qs)
        # Refused or redirected, with no open referral left for the person: to re-orient.
        people = to_reorient(user)
        summary["to_reorient"] = list(people[:limit])
        summary["to_reorient_count"] = (
            len(summary["to_reorient"]) if len(summary["to_reorient"]) < limit else people.count()
        )
    summary["items"] = list(
        for_list(overdue_first(qs.filter(status__in=AWAITING_ANSWER_STATUSES)))[:limit]
    )
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
        if has_capability(user, Cap.REPORT_REQUEST):
            panel["key_figures"] = key_figures(agreement.department)
    return panel


HOME_FIGURES = ("cir_signatories", "referrals_sent", "referrals_accepted", "median_days_to_answer")


def key_figures(department, today=None):
    """The coordinator's key figures of the year so far, beside the same days of last year
    (masked as everywhere outside the OFII). Two computations of the department's statistics
    (1.2 s at department scale, bench/RESULTS.md): cached per department and day for
    ``FILES_SUMMARY_SECONDS``, as the OFII home's counts (figures only, no names)."""
    today = today or timezone.localdate()
    key = f"home:key_figures:{department.pk}:{today.isoformat()}"
    return cache.get_or_set(key, lambda: _key_figures(department, today), FILES_SUMMARY_SECONDS)


def _key_figures(department, today):
    period = Period(today.replace(month=1, day=1), today)
    last_year = Period(years_before(period.start, 1), years_before(today, 1))
    rows = evolution(
        statistics.compute(department, period=period),
        statistics.compute(department, period=last_year),
    )
    return [row for row in rows if row["key"] in HOME_FIGURES]


def partner_panel(user):
    """The person's organisation in the directory: how many of its offers need a review."""
    organisation = user.organisation
    if organisation is None:
        return None
    panel = {"stale_count": organisation.offers.stale().count()}
    if may_keep_resources(user):
        # The keepers of the resource base get the same freshness reminder for resources.
        panel["stale_resources"] = Resource.objects.visible_to(user).stale().count()
    return panel


NEWS_PANEL_SIZE = 3


def news_panel(user, limit=NEWS_PANEL_SIZE):
    """The latest news addressed to the person's organisation (no personal data: one query)."""
    return {
        "items": list(News.objects.visible_to(user).select_related("author_organisation")[:limit])
    }
