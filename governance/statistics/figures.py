"""The figures of a department and a year: read-only queries aggregated by the database.

Shared by the statistics page, the API (``GET /api/v1/statistics/``) and the annual bilan.
``statistics.compute(department, year)`` returns the exchange format of DESIGN.md §5 (names are stable).

Populations (the bilan prints ``METHOD_NOTES``, the French version of this list):

- ``cir_signatories``: files of the department (held by an OFII directorate of the department,
  anonymised files included) whose ``cir_signed_on`` falls in the year.
- ``interviews``: *personalised* interviews held in the year (``held_on``) of those files.
  ``spe_decisions`` splits them by SPE decision (``oriented``, ``dispensed``, ``already_followed``,
  ``not_job_seeking``); ``oriented`` and ``dispensed`` repeat two of them at the top level, so the
  four add up to ``interviews``. ``end_of_cir_interviews`` counts the end-of-CIR interviews.
- Referrals: the referrals *sent in the year* (``sent_at``, Paris time) by an organisation of the
  department (a cohort: what became of them is counted whenever it happened, up to now).
  ``referrals_sent`` all of them; ``referrals_by_status`` splits them by current status, where
  ``accepted`` counts every referral the partner accepted (status accepted, in progress or closed),
  so that the five statuses add up to ``referrals_sent``; ``referrals_accepted`` and
  ``referrals_refused`` repeat two of them.
- ``acceptance_rate``: accepted / answered (accepted + refused + redirected), in per cent with one
  decimal; ``None`` when nothing was answered.
- ``median_days_to_answer``: median of (answered_at − sent_at) over the answered referrals of the
  cohort, in days with one decimal. ``median_days_to_first_appointment``: median of
  (first_appointment_at − sent_at) over those whose first appointment was held.
- ``overdue``: referrals of the cohort still awaiting an answer (pending or "à l'étude") after their
  answer deadline, at the time of computation. ``unanswered`` ("sans réponse"): those escalated to
  their sender, still unanswered well past the deadline (``referrals.tasks``); nothing expires.
  In ``referrals_by_status``, ``pending`` counts both statuses awaiting an answer. ``answered_late``: those answered after their deadline.
- ``outcomes``: the closed referrals of the cohort by outcome code (they add up to
  ``referrals_closed``). ``refusal_reasons``: the refused ones by reason (they add up to
  ``referrals_refused``).
- ``by_public``: the slice figures (``SLICE_FIGURES``) for women (sex F), under 26 (age at the
  CIR signature below 26; a file without CIR date is not counted as under 26), BPI (permit of a
  refugee, subsidiary protection or stateless person), RQTH, graduates of higher education (``core.publics``; the key is ``graduates``). The
  publics overlap; they do not add up to anything.
- ``by_permit_kind``: the slice figures per permit kind (they add up to the totals).
- ``by_month``: a list of twelve entries (``month`` 1–12) with the slice figures of the month of
  the CIR signature, of the interview, and of the sending of the referral.
- ``by_partner``: per receiving organisation (id, name, kind — organisations, never persons):
  referrals sent to it, accepted, refused, overdue, and its acceptance rate.
- ``organisation``: when given, the referral figures keep only the referrals sent by or to that
  organisation (an OFII directorate thus sees all it sent, a partner what it received); the file
  and interview figures stay those of the department.

Masking: see ``masking``; the exchange format is assembled by ``statistics.compute``.

Method of computation: every count is a conditional ``COUNT(... FILTER (WHERE ...))`` (a ``CASE``
on SQLite) of one aggregate query per population: files, interviews, referrals, and one
``GROUP BY`` receiving organisation. Months are ranges of plain date comparisons (no per-row
date function, which SQLite would run in Python). Ages are compared in SQL from the year, month and day of the
birth and CIR dates. Medians use the same portable query on SQLite and PostgreSQL: the population
is already counted, so one query orders the durations and fetches only the middle one or two
(``ORDER BY duration LIMIT 2 OFFSET (n - 1) / 2``). At most 7 queries (6 when ``department`` is
a Department instance), plus three for the life of the partnership (``life``), whatever the number of files; no Python loop over rows. Measured:
5 queries, 0.25 s for 1,000 files (each with an interview and a referral) and 1.4 s for 10,000
on SQLite; 0.8 s for 10,000 and 2.6 s for 50,000 on PostgreSQL (shared 2-core machine).
"""

import datetime as dt
from datetime import timedelta

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone

from beneficiaries.models import (
    Beneficiary,
    Interview,
    InterviewKind,
    JobSeekerStatus,
    PermitKind,
    SpeDecision,
)
from core.publics import PUBLICS, UNDER_AGE, Public, public_q
from partners.models import Department
from referrals.models import (
    ACCEPTED_STATUSES,
    AWAITING_ANSWER_STATUSES,
    FollowUp,
    Outcome,
    Referral,
    RefusalReason,
    Status,
)

from . import life

PERMIT_KINDS = tuple(PermitKind.values)
SLICE_FIGURES = (
    "cir_signatories",
    "interviews",
    "oriented",
    "dispensed",
    "referrals_sent",
    "referrals_accepted",
    "referrals_refused",
)
PARTNER_FIGURES = ("referrals_sent", "referrals_accepted", "referrals_refused", "overdue")
STATUS_GROUPS = ("pending", "accepted", "refused", "redirected", "cancelled")
# The follow-up facts of art. 3.2 that partners record (referrals.FollowUp), counted by kind;
# accompaniments also by their kind (CEJ, PPAE, ...).
FOLLOW_UP_KINDS = tuple(FollowUp.Kind.values)
ACCOMPANIMENT_KINDS = tuple(FollowUp.Accompaniment.values)

# The scalar figures an indicator of the action plan may be computed from (Indicator.statistic),
# dotted for nested ones (``statistics.value_of``): every count Passerelle records, so that no
# fact it holds is typed by hand. (Keys longer than the field, 60, are left out.)
TOP_LEVEL_STATISTICS = (
    "cir_signatories",
    "interviews",
    "end_of_cir_interviews",
    "oriented",
    "dispensed",
    "oriented_not_referred",
    "referrals_sent",
    "referrals_accepted",
    "referrals_refused",
    "referrals_closed",
    "overdue",
    "unanswered",
    "answered_late",
    "acceptance_rate",
    "median_days_to_answer",
    "median_days_to_first_appointment",
)


def _indicator_statistics():
    keys = list(TOP_LEVEL_STATISTICS)
    # The life of the partnership: activities (``activities.permanence``…), programme entries.
    keys += ["activities_total", "activity_agents", "activity_people_met"]
    keys += [f"activities.{kind}" for kind in life.ACTIVITY_KINDS]
    keys += ["programme_entries_total"]
    keys += [f"programme_entries.{kind}" for kind in life.PROGRAMME_KINDS]
    keys += [
        f"programme_entries_by_public.{public}.{kind}"
        for public in PUBLICS
        for kind in life.PROGRAMME_KINDS
    ]
    keys += [f"follow_ups.{kind}" for kind in FOLLOW_UP_KINDS]
    keys += [f"accompaniments.{kind}" for kind in ACCOMPANIMENT_KINDS]
    keys += [f"outcomes.{code}" for code in Outcome.values]
    keys += [f"refusal_reasons.{code}" for code in RefusalReason.values]
    keys += [f"by_public.{public}.{figure}" for public in PUBLICS for figure in SLICE_FIGURES]
    keys += [f"outcomes_by_public.{public}.{code}" for public in PUBLICS for code in Outcome.values]
    keys += [f"by_permit_kind.{kind}.{figure}" for kind in PERMIT_KINDS for figure in SLICE_FIGURES]
    keys += [
        f"outcomes_by_permit_kind.{kind}.{code}" for kind in PERMIT_KINDS for code in Outcome.values
    ]
    return tuple(key for key in keys if len(key) <= 60)


INDICATOR_STATISTICS = _indicator_statistics()

# --- Building the queries --------------------------------------------------------------------


def _with_age(qs, prefix=""):
    """Annotate what tells, in SQL, whether the person was under 26 when signing the CIR."""
    cir, born = f"{prefix}cir_signed_on", f"{prefix}birth_date"
    return qs.annotate(
        st_age_years=ExtractYear(cir) - ExtractYear(born),
        st_cir_md=ExtractMonth(cir) * 100 + ExtractDay(cir),
        st_birth_md=ExtractMonth(born) * 100 + ExtractDay(born),
    )


def _public_q(public, prefix=""):
    """core.publics' filter, except under 26: the age at the CIR signature, not today's."""
    if public == Public.UNDER_26:
        return Q(st_age_years__lt=UNDER_AGE) | Q(
            st_age_years=UNDER_AGE, st_cir_md__lt=F("st_birth_md")
        )
    return public_q(public, today=None, prefix=prefix)


class _Aggregates:
    """Conditional counts of one query, each stored under the path of its cell."""

    def __init__(self, period, month_field, aware=False):
        self.expressions = {}
        self.paths = {}
        # Months as ranges of plain comparisons (no per-row date function: fast on SQLite too).
        self.months = []
        for _year, _month, first, following in period.months():
            if aware:
                first, following = (
                    timezone.make_aware(dt.datetime.combine(day, dt.time()))
                    for day in (first, following)
                )
            self.months.append(Q(**{f"{month_field}__gte": first, f"{month_field}__lt": following}))

    def count(self, path, condition=None):
        alias = f"c{len(self.expressions)}"
        self.expressions[alias] = Count("pk", filter=condition) if condition else Count("pk")
        self.paths[alias] = path

    def sliced(self, figure, condition, prefix):
        """A figure, its slices by public, permit kind and month."""
        everything = condition if condition is not None else Q()
        self.count((figure,), condition)
        for public in PUBLICS:
            self.count(("by_public", public, figure), everything & _public_q(public, prefix))
        for kind in PERMIT_KINDS:
            self.count(
                ("by_permit_kind", kind, figure), everything & Q(**{f"{prefix}permit_kind": kind})
            )
        for index, month in enumerate(self.months):
            self.count(("by_month", index, figure), everything & month)

    def run(self, qs, cells):
        row = qs.aggregate(**self.expressions)
        for alias, path in self.paths.items():
            cells[path] = row[alias] or 0


def _median_days(qs, start, end, n):
    """Median of (end − start) in days over the n rows of qs where end is set: one query."""
    if not n:
        return None
    duration = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    middle = list(
        qs.filter(**{f"{end}__isnull": False})
        .annotate(st_duration=duration)
        .order_by("st_duration")
        .values_list("st_duration", flat=True)[(n - 1) // 2 : n // 2 + 1]
    )
    median = sum(middle, timedelta()) / len(middle)
    return round(median.total_seconds() / 86400, 1)


def department_of(department):
    if isinstance(department, Department):
        return department
    return Department.objects.get(pk=department)


def _aware(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def structural_zeros(period, today):
    """The cells that are zero by construction: every cell of a month not begun on ``today``."""
    return {
        ("by_month", index, figure)
        for index, (_y, _m, first, _next) in enumerate(period.months())
        if first > today
        for figure in SLICE_FIGURES
    }


def raw_cells(department, period, organisation=None):
    """Every count as {path: int}, plus the figures that are not counts. Fixed queries (and one
    per receiving partner for its median)."""
    cells = {}
    beneficiaries = Beneficiary.objects.of_department(department.pk)
    days = (period.start, period.end)

    # Query 1: the CIR signatories of the period, sliced.
    files = _with_age(beneficiaries.filter(cir_signed_on__range=days))
    aggregates = _Aggregates(period, "cir_signed_on")
    aggregates.sliced("cir_signatories", None, "")
    # Registered with the SPE (France Travail's list, matched by exchange.reconciliation).
    aggregates.count(("registered_spe",), Q(job_seeker_status=JobSeekerStatus.REGISTERED))
    aggregates.run(files, cells)

    # Query 2: the interviews of the period, by SPE decision, sliced.
    interviews = _with_age(
        # A join on the file (already joined for the slices), not a semi-join on every file of
        # the department: flat from department to national scale (issue "Scale").
        Interview.objects.filter(
            beneficiary__ofii_organisation__department_id=department.pk, held_on__range=days
        ),
        "beneficiary__",
    ).annotate(
        st_referred=Exists(
            Referral.objects.filter(beneficiary=OuterRef("beneficiary")).exclude(
                status=Status.CANCELLED
            )
        )
    )
    personalised = Q(kind=InterviewKind.PERSONALISED)
    oriented = personalised & Q(spe_decision=SpeDecision.ORIENTED)
    aggregates = _Aggregates(period, "held_on")
    aggregates.sliced("interviews", personalised, "beneficiary__")
    aggregates.sliced("oriented", oriented, "beneficiary__")
    aggregates.sliced(
        "dispensed", personalised & Q(spe_decision=SpeDecision.DISPENSED), "beneficiary__"
    )
    for decision in (SpeDecision.ALREADY_FOLLOWED, SpeDecision.NOT_JOB_SEEKING):
        aggregates.count(("spe_decisions", decision.value), personalised & Q(spe_decision=decision))
    aggregates.count(("end_of_cir_interviews",), Q(kind=InterviewKind.END_OF_CIR))
    aggregates.count(("oriented_not_referred",), oriented & Q(st_referred=False))
    aggregates.run(interviews, cells)

    # Query 3: the referrals sent in the period, by status, reason and outcome, sliced.
    referrals = Referral.objects.filter(
        from_organisation__department_id=department.pk,
        sent_at__gte=_aware(period.start),
        sent_at__lt=_aware(period.end + timedelta(days=1)),
    )
    if organisation is not None:
        organisation_id = getattr(organisation, "pk", organisation)
        referrals = referrals.filter(
            Q(from_organisation_id=organisation_id) | Q(to_organisation_id=organisation_id)
        )
    now = timezone.now()
    accepted = Q(status__in=ACCEPTED_STATUSES)
    # Awaiting an answer: pending, or being examined ("à l'étude"); the deadline runs for both.
    awaiting = Q(status__in=AWAITING_ANSWER_STATUSES)
    overdue = awaiting & Q(answer_due_at__lt=now)
    unanswered = awaiting & Q(escalated_at__isnull=False)
    aggregates = _Aggregates(period, "sent_at", aware=True)
    sliced_referrals = _with_age(referrals, "beneficiary__")
    aggregates.sliced("referrals_sent", None, "beneficiary__")
    aggregates.sliced("referrals_accepted", accepted, "beneficiary__")
    aggregates.sliced("referrals_refused", Q(status=Status.REFUSED), "beneficiary__")
    aggregates.count(("referrals_by_status", "pending"), awaiting)
    for status in ("redirected", "cancelled"):
        aggregates.count(("referrals_by_status", status), Q(status=status))
    aggregates.count(("referrals_closed",), Q(status=Status.CLOSED))
    aggregates.count(("overdue",), overdue)
    aggregates.count(("unanswered",), unanswered)
    aggregates.count(("answered_late",), Q(answered_at__gt=F("answer_due_at")))
    aggregates.count(("st_answered",), Q(answered_at__isnull=False))
    aggregates.count(("st_first_appointment",), Q(first_appointment_at__isnull=False))
    aggregates.count(("st_redirected",), Q(status=Status.REDIRECTED))
    for reason in RefusalReason.values:
        aggregates.count(
            ("refusal_reasons", reason), Q(status=Status.REFUSED, refusal_reason=reason)
        )
    for outcome in Outcome.values:
        closed = Q(status=Status.CLOSED, outcome=outcome)
        aggregates.count(("outcomes", outcome), closed)
        for public in PUBLICS:
            aggregates.count(
                ("outcomes_by_public", public, outcome), closed & _public_q(public, "beneficiary__")
            )
        for kind in PERMIT_KINDS:
            aggregates.count(
                ("outcomes_by_permit_kind", kind, outcome),
                closed & Q(beneficiary__permit_kind=kind),
            )
    aggregates.run(sliced_referrals, cells)

    # Query 4: the same referrals by receiving organisation.
    partner_counts = {
        "referrals_sent": Count("pk"),
        "referrals_accepted": Count("pk", filter=accepted),
        "referrals_refused": Count("pk", filter=Q(status=Status.REFUSED)),
        "overdue": Count("pk", filter=overdue),
        "st_redirected": Count("pk", filter=Q(status=Status.REDIRECTED)),
        "st_answered": Count("pk", filter=Q(answered_at__isnull=False)),
    }
    for reason in RefusalReason.values:
        partner_counts[f"reason_{reason}"] = Count(
            "pk", filter=Q(status=Status.REFUSED, refusal_reason=reason)
        )
    for outcome in Outcome.values:
        partner_counts[f"outcome_{outcome}"] = Count(
            "pk", filter=Q(status=Status.CLOSED, outcome=outcome)
        )
    partners = list(
        referrals.values("to_organisation", "to_organisation__name", "to_organisation__kind")
        .annotate(**partner_counts)
        .order_by("to_organisation__name", "to_organisation")
    )
    for index, row in enumerate(partners):
        for figure in (*PARTNER_FIGURES, "st_redirected", "st_answered"):
            cells[("by_partner", index, figure)] = row[figure]
        for reason in RefusalReason.values:
            cells[("refusal_reasons_by_partner", index, reason)] = row[f"reason_{reason}"]
        for outcome in Outcome.values:
            cells[("outcomes_by_partner", index, outcome)] = row[f"outcome_{outcome}"]

    # Query 5: the follow-up facts of art. 3.2 recorded in the period on those referrals.
    follow_ups = FollowUp.objects.filter(
        referral__from_organisation__department_id=department.pk, happened_on__range=days
    )
    if organisation is not None:
        follow_ups = follow_ups.filter(
            Q(referral__from_organisation_id=organisation_id)
            | Q(referral__to_organisation_id=organisation_id)
        )
    follow_up_counts = {
        f"kind_{kind}": Count("pk", filter=Q(kind=kind)) for kind in FOLLOW_UP_KINDS
    }
    for kind in ACCOMPANIMENT_KINDS:
        follow_up_counts[f"acc_{kind}"] = Count(
            "pk", filter=Q(kind=FollowUp.Kind.ACCOMPANIMENT, accompaniment=kind)
        )
    follow_up_counts["acc_none"] = Count(
        "pk", filter=Q(kind=FollowUp.Kind.ACCOMPANIMENT, accompaniment="")
    )
    row = follow_ups.aggregate(**follow_up_counts)
    for kind in FOLLOW_UP_KINDS:
        cells[("follow_ups", kind)] = row[f"kind_{kind}"]
    for kind in ACCOMPANIMENT_KINDS:
        cells[("accompaniments", kind)] = row[f"acc_{kind}"]
    # An accompaniment recorded without its kind counts as "other".
    cells[("accompaniments", FollowUp.Accompaniment.OTHER.value)] += row["acc_none"]

    # Queries 6 and more: the medians (overall, then per receiving partner).
    others = {
        "by_partner": [
            {
                "organisation": row["to_organisation"],
                "name": row["to_organisation__name"],
                "kind": row["to_organisation__kind"],
                "median_days_to_answer": _median_days(
                    referrals.filter(to_organisation=row["to_organisation"]),
                    "sent_at",
                    "answered_at",
                    row["st_answered"],
                ),
            }
            for row in partners
        ],
        "median_days_to_answer": _median_days(
            referrals, "sent_at", "answered_at", cells[("st_answered",)]
        ),
        "median_days_to_first_appointment": _median_days(
            referrals, "sent_at", "first_appointment_at", cells[("st_first_appointment",)]
        ),
    }
    # Queries 7 to 9 (and more before): the life of the partnership (``life``): activities,
    # programme entries, jobs by employer.
    life.add_cells(cells, others, department, period, referrals, _public_q, _with_age)
    return cells, others
