"""The statistics of a department and a year, shared by the statistics page, the API
(``GET /api/v1/statistics/``), the action plan and the annual bilan.

- ``figures``: the populations and their SQL aggregates (what each figure counts);
- ``masking``: statistical secrecy ("< 5", "≥ 5");
- ``presentation``: labels through gettext, months, tables and charts, which the page, the
  CSV/XLSX exports and the bilan PDF all render;
- ``scope``: which department, organisation and masking a person reads.

``compute(department, year)`` returns the exchange format of DESIGN.md §5 (names are stable).
"""

from referrals.models import Outcome, RefusalReason

from . import figures, masking


def compute(department, year, *, organisation=None, masked=True):
    """The figures of a department and a year, in the exchange format (see the docstring)."""
    department = figures.department_of(department)
    cells, others = figures.raw_cells(department, year, organisation)
    hidden = masking.masked_paths(cells) if masked else set()

    def shown(*path):
        return masking.shown(cells, hidden, path)

    def slice_of(*prefix):
        return {figure: shown(*prefix, figure) for figure in figures.SLICE_FIGURES}

    def rate_of(*prefix):
        accepted = cells[(*prefix, "referrals_accepted")]
        answered = (
            accepted + cells[(*prefix, "referrals_refused")] + cells[(*prefix, "st_redirected")]
        )
        return masking.rate(
            accepted,
            answered,
            masking.too_few(accepted, masked) or masking.too_few(answered - accepted, masked),
        )

    answered = cells[("st_answered",)]
    first_appointments = cells[("st_first_appointment",)]
    by_partner = []
    for index, partner in enumerate(others["by_partner"]):
        entry = dict(partner)
        entry.update(
            {figure: shown("by_partner", index, figure) for figure in figures.PARTNER_FIGURES}
        )
        entry["acceptance_rate"] = rate_of("by_partner", index)
        by_partner.append(entry)
    return {
        "department": department.code,
        "year": year,
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
        "median_days_to_answer": (
            None if masking.too_few(answered, masked) else others["median_days_to_answer"]
        ),
        "median_days_to_first_appointment": (
            None
            if masking.too_few(first_appointments, masked)
            else others["median_days_to_first_appointment"]
        ),
        "overdue": shown("overdue"),
        "answered_late": shown("answered_late"),
        "outcomes": {code: shown("outcomes", code) for code in Outcome.values},
        "refusal_reasons": {code: shown("refusal_reasons", code) for code in RefusalReason.values},
        "by_partner": by_partner,
        "by_public": {public: slice_of("by_public", public) for public in figures.PUBLICS},
        "by_permit_kind": {kind: slice_of("by_permit_kind", kind) for kind in figures.PERMIT_KINDS},
        "by_month": [{"month": index + 1, **slice_of("by_month", index)} for index in range(12)],
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
