"""The statistics of a department and a year, shared by the statistics page, the API
(``GET /api/v1/statistics/``), the action plan and the annual bilan.

- ``figures``: the populations and their SQL aggregates (what each figure counts);
- ``masking``: statistical secrecy ("< 5", "≥ 5");
- ``presentation``: labels through gettext, months, tables and charts, which the page, the
  CSV/XLSX exports and the bilan PDF all render;
- ``scope``: which department, organisation and masking a person reads.

``compute(department, year)`` returns the exchange format of DESIGN.md §5 (names are stable);
``compute(department, period=Period(start, end))`` the same for any range of days (``periods``):
``year`` is then None and ``period`` gives the days covered.
"""

from django.utils import timezone

from referrals.models import Outcome, RefusalReason

from . import figures, life, masking
from .figures import ACCOMPANIMENT_KINDS, FOLLOW_UP_KINDS, PERMIT_KINDS, PUBLICS
from .periods import Period


def compute(department, year=None, *, period=None, organisation=None, masked=True, today=None):
    """The figures of a department for a year (or any ``Period``), in the exchange format."""
    department = figures.department_of(department)
    period = period or Period.year(year)
    today = today or timezone.localdate()
    cells, others = figures.raw_cells(department, period, organisation)
    structural = figures.structural_zeros(period, today)
    hidden = masking.masked_paths(cells, structural) if masked else set()

    def shown(*path):
        return masking.shown(cells, hidden, path)

    def slice_of(*prefix):
        return {figure: shown(*prefix, figure) for figure in figures.SLICE_FIGURES}

    def rate_of(*prefix):
        accepted = (*prefix, "referrals_accepted")
        refused = (*prefix, "referrals_refused")
        answered = cells[accepted] + cells[refused] + cells[(*prefix, "st_redirected")]
        return masking.rate(
            cells[accepted], answered, accepted in hidden or refused in hidden, masked
        )

    def median(value, n):
        return None if masking.too_few(n, masked) else value

    by_partner = []
    for index, partner in enumerate(others["by_partner"]):
        entry = dict(partner)
        entry.update(
            {figure: shown("by_partner", index, figure) for figure in figures.PARTNER_FIGURES}
        )
        entry["acceptance_rate"] = rate_of("by_partner", index)
        entry["median_days_to_answer"] = median(
            partner["median_days_to_answer"], cells[("by_partner", index, "st_answered")]
        )
        entry["refusal_reasons"] = {
            reason: shown("refusal_reasons_by_partner", index, reason)
            for reason in RefusalReason.values
        }
        entry["outcomes"] = {
            outcome: shown("outcomes_by_partner", index, outcome) for outcome in Outcome.values
        }
        by_partner.append(entry)
    by_month = []
    for index, (month_year, month, _first, _next) in enumerate(period.months()):
        by_month.append({"month": month, "year": month_year, **slice_of("by_month", index)})
    return {
        "department": department.code,
        "year": period.start.year if period.is_year else None,
        "period": period.as_dict(),
        "masked": masked,
        "cir_signatories": shown("cir_signatories"),
        # Of them, registered with France Travail (its job-seeker list matched: reconciliation).
        "registered_spe": shown("registered_spe"),
        "registered_spe_rate": masking.rate(
            cells[("registered_spe",)],
            cells[("cir_signatories",)],
            masking.too_few(cells[("registered_spe",)], masked)
            or masking.too_few(cells[("cir_signatories",)] - cells[("registered_spe",)], masked),
        ),
        "interviews": shown("interviews"),
        "oriented": shown("oriented"),
        "dispensed": shown("dispensed"),
        "spe_decisions": {
            "oriented": shown("oriented"),
            "dispensed": shown("dispensed"),
            "already_followed": shown("spe_decisions", "already_followed"),
            "not_job_seeking": shown("spe_decisions", "not_job_seeking"),
        },
        "end_of_cir_interviews": shown("end_of_cir_interviews"),
        "oriented_not_referred": shown("oriented_not_referred"),
        "referrals_sent": shown("referrals_sent"),
        "referrals_accepted": shown("referrals_accepted"),
        "referrals_refused": shown("referrals_refused"),
        "referrals_closed": shown("referrals_closed"),
        "referrals_by_status": {
            "pending": shown("referrals_by_status", "pending"),
            "accepted": shown("referrals_accepted"),
            "refused": shown("referrals_refused"),
            "redirected": shown("referrals_by_status", "redirected"),
            "cancelled": shown("referrals_by_status", "cancelled"),
        },
        "acceptance_rate": rate_of(),
        "median_days_to_answer": median(others["median_days_to_answer"], cells[("st_answered",)]),
        "median_days_to_first_appointment": median(
            others["median_days_to_first_appointment"], cells[("st_first_appointment",)]
        ),
        "overdue": shown("overdue"),
        "unanswered": shown("unanswered"),
        "answered_late": shown("answered_late"),
        "outcomes": {code: shown("outcomes", code) for code in Outcome.values},
        "refusal_reasons": {code: shown("refusal_reasons", code) for code in RefusalReason.values},
        "outcomes_by_public": {
            public: {code: shown("outcomes_by_public", public, code) for code in Outcome.values}
            for public in PUBLICS
        },
        "outcomes_by_permit_kind": {
            kind: {code: shown("outcomes_by_permit_kind", kind, code) for code in Outcome.values}
            for kind in PERMIT_KINDS
        },
        "follow_ups": {kind: shown("follow_ups", kind) for kind in FOLLOW_UP_KINDS},
        "accompaniments": {kind: shown("accompaniments", kind) for kind in ACCOMPANIMENT_KINDS},
        "by_partner": by_partner,
        # The life of the partnership (``life``): activities are never masked (no person).
        "activities": others["activities"],
        "activities_total": others["activities_total"],
        "activity_agents": others["activity_agents"],
        "activity_people_met": others["activity_people_met"],
        "programme_entries_total": shown("programme_entries_total"),
        "programme_entries": {
            kind: shown("programme_entries", kind) for kind in life.PROGRAMME_KINDS
        },
        "programme_entries_by_public": {
            public: {
                kind: shown("programme_entries_by_public", public, kind)
                for kind in life.PROGRAMME_KINDS
            }
            for public in PUBLICS
        },
        "jobs_by_employer": [
            {**employer, "jobs": shown("jobs_by_employer", index, "jobs")}
            for index, employer in enumerate(others["jobs_by_employer"])
        ],
        "by_public": {public: slice_of("by_public", public) for public in PUBLICS},
        "by_permit_kind": {kind: slice_of("by_permit_kind", kind) for kind in PERMIT_KINDS},
        "by_month": by_month,
    }


def value_of(figures, key):
    """A figure by its key, dotted for nested ones (``by_public.women.cir_signatories``)."""
    value = figures
    for part in key.split("."):
        if isinstance(value, list):
            value = value[int(part) - 1] if part.isdigit() else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
        if value is None:
            return None
    return value
