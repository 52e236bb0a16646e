"""The figures of the life of the partnership (issue 18), added to ``figures.raw_cells``:

- ``activities``: the partnership activities held in the period (``Activity.held_on``) under the
  department's agreements, by kind (immersion, visit, working meeting, permanence, civic
  training); ``activities_total``, ``activity_agents`` and ``activity_people_met`` sum them.
  Activities name no person: they are never masked.
- ``programme_entries``: the entries into a programme in the period (``entered_on``) of the
  department's files, by programme kind (HOPE, PIC, AGIR, CEJ, local), with ``programme_entries_total``
  and ``programme_entries_by_public`` (the same counts per public of ``core.publics``; under 26 at
  the CIR signature, as the other slices). Masked as every count about persons.
- ``jobs_by_employer``: the referrals of the cohort closed with a job outcome that name the
  employer, per employer organisation (id, name, kind, ``jobs``). Masked: a count from 1 to 4 reads
  "< 5"; the list does not add up to a shown total (jobs without an employer are not listed), so
  no complementary cell is needed.

Three queries: one aggregate per population and one GROUP BY employer.
"""

from django.db.models import Count, Q, Sum

from core.publics import PUBLICS
from referrals.models import JOB_OUTCOMES, Status

from ..life.models import Activity, Programme, ProgrammeEntry

ACTIVITY_KINDS = tuple(Activity.Kind.values)
PROGRAMME_KINDS = tuple(Programme.Kind.values)


def activity_figures(department, period, organisation=None):
    """{kind: n, ...} and the totals: one query (no person, never masked)."""
    activities = Activity.objects.filter(
        agreement__department_id=department.pk, held_on__range=(period.start, period.end)
    )
    if organisation is not None:
        activities = activities.filter(organisations=getattr(organisation, "pk", organisation))
    counts = {kind: Count("pk", filter=Q(kind=kind), distinct=True) for kind in ACTIVITY_KINDS}
    row = activities.aggregate(
        total=Count("pk", distinct=True),
        agents=Sum("agents"),
        people=Sum("people_met"),
        **counts,
    )
    return {
        "activities": {kind: row[kind] for kind in ACTIVITY_KINDS},
        "activities_total": row["total"],
        "activity_agents": row["agents"] or 0,
        "activity_people_met": row["people"] or 0,
    }


def add_cells(cells, others, department, period, referrals, public_q, with_age):
    """Adds the programme entries and the jobs by employer to the cells (masked later) and the
    activities to ``others`` (never masked)."""
    entries = with_age(
        ProgrammeEntry.objects.filter(
            beneficiary__ofii_organisation__department_id=department.pk,
            entered_on__range=(period.start, period.end),
        ),
        "beneficiary__",
    )
    counts = {"total": Count("pk")}
    for kind in PROGRAMME_KINDS:
        counts[kind] = Count("pk", filter=Q(programme__kind=kind))
        for public in PUBLICS:
            counts[f"{public}__{kind}"] = Count(
                "pk", filter=Q(programme__kind=kind) & public_q(public, "beneficiary__")
            )
    row = entries.aggregate(**counts)
    cells[("programme_entries_total",)] = row["total"]
    for kind in PROGRAMME_KINDS:
        cells[("programme_entries", kind)] = row[kind]
        for public in PUBLICS:
            cells[("programme_entries_by_public", public, kind)] = row[f"{public}__{kind}"]

    employers = list(
        referrals.filter(
            status=Status.CLOSED, outcome__in=JOB_OUTCOMES, outcome_employer__isnull=False
        )
        .values("outcome_employer", "outcome_employer__name", "outcome_employer__kind")
        .annotate(jobs=Count("pk"))
        .order_by("outcome_employer__name", "outcome_employer")
    )
    others["jobs_by_employer"] = []
    for index, row in enumerate(employers):
        cells[("jobs_by_employer", index, "jobs")] = row["jobs"]
        others["jobs_by_employer"].append(
            {
                "organisation": row["outcome_employer"],
                "name": row["outcome_employer__name"],
                "kind": row["outcome_employer__kind"],
            }
        )
    others.update(activity_figures(department, period))
