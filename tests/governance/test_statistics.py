"""governance.statistics: populations, medians, masking, and a fixed number of queries."""

import datetime as dt

import pytest

from governance import statistics
from governance.statistics import compute, masking
from governance.statistics.masking import MASKED, MASKED_COMPLEMENT, masked_paths
from tests.factories import BeneficiaryFactory, InterviewFactory

from .conftest import YEAR, make_referral


@pytest.mark.django_db
def test_unmasked_figures_of_the_known_dataset(known_dataset, paris):
    figures = compute(paris, YEAR, masked=False)
    assert figures["department"] == "75"
    assert figures["cir_signatories"] == 8
    assert figures["interviews"] == 8
    assert figures["spe_decisions"] == {
        "oriented": 6,
        "dispensed": 2,
        "already_followed": 0,
        "not_job_seeking": 0,
    }
    assert figures["end_of_cir_interviews"] == 1
    assert figures["referrals_sent"] == 6
    assert figures["referrals_accepted"] == 4
    assert figures["referrals_refused"] == 1
    assert figures["acceptance_rate"] == 80.0
    assert figures["median_days_to_answer"] == 3.0
    assert figures["median_days_to_first_appointment"] == 7.0
    assert figures["overdue"] == 1
    assert figures["answered_late"] == 1
    assert figures["outcomes"]["job_durable"] == 1
    assert figures["refusal_reasons"]["not_eligible"] == 1
    assert figures["by_public"]["under_26"]["cir_signatories"] == 2
    assert figures["by_public"]["women"]["cir_signatories"] == 5
    assert figures["by_permit_kind"]["family"]["dispensed"] == 2
    assert [m["cir_signatories"] for m in figures["by_month"]] == [
        0,
        0,
        6,
        0,
        0,
        0,
        0,
        0,
        2,
        0,
        0,
        0,
    ]


@pytest.mark.django_db
def test_organisation_keeps_only_its_referrals(known_dataset, paris, orgs):
    figures = compute(paris, YEAR, organisation=orgs["mission_locale"], masked=False)
    assert figures["referrals_sent"] == 1
    assert figures["cir_signatories"] == 8
    assert [p["name"] for p in figures["by_partner"]] == ["Mission Locale Paris"]


def test_one_masked_cell_hides_the_smallest_neighbour_too():
    cells = {
        ("interviews",): 60,
        ("oriented",): 53,
        ("dispensed",): 3,
        ("spe_decisions", "already_followed"): 0,
        ("spe_decisions", "not_job_seeking"): 4,
    }
    assert masked_paths(_complete(cells)) >= {("dispensed",), ("spe_decisions", "not_job_seeking")}
    # Two cells masked already: nothing more to hide in this breakdown.
    assert ("spe_decisions", "already_followed") not in masked_paths(_complete(cells))


def test_a_complementary_cell_of_five_or_more_reads_at_least_five():
    cells = _complete(
        {
            ("interviews",): 60,
            ("oriented",): 50,
            ("dispensed",): 3,
            ("spe_decisions", "already_followed"): 7,
            ("spe_decisions", "not_job_seeking"): 0,
        }
    )
    cells[("spe_decisions", "not_job_seeking")] = 0
    hidden = masked_paths(cells)
    # The zero is the smallest neighbour: hidden as "< 5" (true).
    assert ("spe_decisions", "not_job_seeking") in hidden
    cells[("spe_decisions", "not_job_seeking")] = 9
    cells[("oriented",)] = 41
    hidden = masked_paths(cells)
    assert ("spe_decisions", "already_followed") in hidden
    assert masking.shown(cells, hidden, ("spe_decisions", "already_followed")) == (
        MASKED_COMPLEMENT
    )
    assert masking.shown(cells, hidden, ("dispensed",)) == MASKED


def test_a_masked_total_needs_no_complement():
    cells = {("interviews",): 3, ("oriented",): 3}
    for figure in ("interviews", "oriented"):
        cells[("by_permit_kind", "family", figure)] = 3
        cells[("by_month", 0, figure)] = 3
    hidden = masked_paths(_complete(cells))
    # Each breakdown holds its hidden total and one hidden cell: no other cell is hidden.
    assert hidden == set(cells)


def _complete(cells):
    """Every cell the partitions name, zero unless given."""
    full = {}
    for total, parts in masking.partitions({}):
        for path in (total, *parts):
            full[path] = 0
    full.update(cells)
    return full


@pytest.mark.django_db
def test_masked_partner_breakdown_cannot_be_recomputed(known_dataset, paris):
    figures = compute(paris, YEAR)
    assert figures["referrals_sent"] == 6
    sent = [p["referrals_sent"] for p in figures["by_partner"]]
    # France Travail 5, Mission Locale 1: showing 5 would give away the 1.
    assert sent == [MASKED_COMPLEMENT, MASKED]
    assert figures["acceptance_rate"] is None
    assert figures["median_days_to_answer"] == 3.0  # 5 answers: shown
    assert figures["median_days_to_first_appointment"] is None  # 2 values: hidden


def _population(orgs, size):
    """size files signed in 2025, each with an interview and a referral of each kind of answer."""
    statuses = ["pending", "accepted", "refused", "closed"]
    for n in range(size):
        beneficiary = BeneficiaryFactory(
            ofii_organisation=orgs["ofii"],
            first_permit_date=dt.date(2024, 1, 1),
            cir_signed_on=dt.date(YEAR, 1 + n % 12, 1 + n % 28),
            sex="FM"[n % 2],
            permit_kind=["refugee", "family", "work"][n % 3],
        )
        InterviewFactory(beneficiary=beneficiary, held_on=beneficiary.cir_signed_on)
        status = statuses[n % 4]
        extra = {}
        if status == "refused":
            extra["refusal_reason"] = "declined"
        if status == "closed":
            extra.update(
                first_appointment_at=None,
                closed_at=dt.datetime(YEAR, 12, 1, tzinfo=dt.UTC),
                outcome="job_temporary",
                outcome_date=dt.date(YEAR, 12, 1),
            )
        make_referral(
            beneficiary,
            [orgs["france_travail"], orgs["mission_locale"]][n % 2],
            sent=(1 + n % 12, 1 + n % 28),
            status=status,
            answered_days=None if status == "pending" else 1 + n % 9,
            **extra,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("size", [8, 40])
def test_a_fixed_number_of_queries_whatever_the_size(orgs, paris, size, django_assert_num_queries):
    _population(orgs, size)
    # 1 files, 2 interviews, 3 referrals, 4 by partner, 5 follow-ups, one median of answers per
    # receiving partner (2 here), 8 median answer, median first appointment (none held here:
    # skipped), 9 programme entries, 10 jobs by employer, 11 activities (the life of the
    # partnership), + 1 department when given by id.
    with django_assert_num_queries(11):
        figures = compute(paris, YEAR)
    assert figures["cir_signatories"] == size
    assert len(figures["by_partner"]) == 2
    with django_assert_num_queries(12):
        compute(paris.pk, YEAR)


@pytest.mark.django_db
def test_medians_with_an_even_number_of_values(orgs, paris):
    for days in (2, 4, 6, 20):
        make_referral(
            BeneficiaryFactory(ofii_organisation=orgs["ofii"]),
            orgs["france_travail"],
            sent=(5, 1),
            status="accepted",
            answered_days=days,
        )
    assert compute(paris, YEAR, masked=False)["median_days_to_answer"] == 5.0
    # Four values only: not shown outside the owner.
    assert compute(paris, YEAR)["median_days_to_answer"] is None


def test_value_of_reads_dotted_keys():
    figures = {"a": 1, "by_public": {"women": {"x": 3}}, "by_month": [{"x": 4}, {"x": 5}]}
    assert statistics.value_of(figures, "a") == 1
    assert statistics.value_of(figures, "by_public.women.x") == 3
    assert statistics.value_of(figures, "by_month.2.x") == 5
    assert statistics.value_of(figures, "missing.x") is None


def test_progress_against_a_target():
    from decimal import Decimal

    from governance.plan import progress_of

    assert progress_of(Decimal(8), Decimal(16)) == 50
    assert progress_of(Decimal(30), Decimal(10)) == 300
    assert progress_of(None, Decimal(10)) is None
    assert progress_of(Decimal(3), Decimal(0)) is None
    # A ceiling: 8 days for a target of 10 is reached; 20 days is half-way.
    assert progress_of(Decimal(8), Decimal(10), lower_is_better=True) == 100
    assert progress_of(Decimal(20), Decimal(10), lower_is_better=True) == 50
    assert progress_of(Decimal(0), Decimal(0), lower_is_better=True) == 100
