"""The demo's statistics as a préfecture would publish them: no hidden cell can be recomputed.

The demo (``load_demo``) is built ONCE for this module, inside a transaction rolled back when the
module ends (as in tests/test_demo.py). For every year of the demo and for a quarter, every table
of the masked statistics is checked with a linear-programming solver (scipy's ``linprog``): each
hidden cell's feasible interval, knowing the shown cells, the totals and margins of its table and
the bounds "< 5" (0 to 4) and "≥ 5" (5 or more), must hold more than one value.
"""

import datetime as dt
import io
import math

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from scipy.optimize import linprog

from governance import statistics
from governance.statistics.masking import MASKED, MASKED_COMPLEMENT
from governance.statistics.periods import Period
from partners.models import Department

pytestmark = pytest.mark.django_db

SLICES = (
    "cir_signatories",
    "interviews",
    "oriented",
    "dispensed",
    "referrals_sent",
    "referrals_accepted",
    "referrals_refused",
)
PARTNER_COUNTS = ("referrals_sent", "referrals_accepted", "referrals_refused", "overdue")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(DEBUG=True):
                call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def periods():
    today = timezone.localdate()
    years = [Period.year(year) for year in range(today.year - 3, today.year + 1)]
    return [*years, Period.quarter(today.year, 1)]


# --- The published tables, as equations between their cells ---------------------------------
#
# A cell is a path into the exchange format. Each table is a list of equations (total, parts):
# its totals and margins, written from what the page shows side by side. (Inequalities between
# columns — accepted + refused <= sent — are not part of the guarantee; ``interval`` accepts
# them for a table that would declare some.)


def _partner_paths(figures, key):
    return [("by_partner", index, key) for index in range(len(figures["by_partner"]))]


def tables(figures):
    partners = range(len(figures["by_partner"]))
    months = range(len(figures["by_month"]))
    kinds = list(figures["by_permit_kind"])
    result = {
        "decisions": (
            [(("interviews",), [("spe_decisions", k) for k in figures["spe_decisions"]])],
            [],
        ),
        "statuts": (
            [
                (
                    ("referrals_sent",),
                    [("referrals_by_status", k) for k in figures["referrals_by_status"]],
                )
            ],
            [],
        ),
        "motifs": (
            [
                (
                    ("referrals_refused",),
                    [("refusal_reasons", k) for k in figures["refusal_reasons"]],
                )
            ],
            [],
        ),
        "issues": (
            [(("referrals_closed",), [("outcomes", k) for k in figures["outcomes"]])],
            [],
        ),
        "accompagnements": (
            [
                (
                    ("follow_ups", "accompaniment"),
                    [("accompaniments", k) for k in figures["accompaniments"]],
                )
            ],
            [],
        ),
    }
    for name, rows, prefix in (
        ("titres", kinds, "by_permit_kind"),
        ("mois", months, "by_month"),
        ("publics", list(figures["by_public"]), "by_public"),
    ):
        equations = []
        if name != "publics":  # the publics overlap: no total
            equations = [((f,), [(prefix, row, f) for row in rows]) for f in SLICES]
        result[name] = (equations, [])
    result["partenaires"] = ([((f,), _partner_paths(figures, f)) for f in PARTNER_COUNTS], [])
    reasons = list(figures["refusal_reasons"])
    outcomes = list(figures["outcomes"])
    result["motifs-partenaires"] = (
        [
            (("refusal_reasons", r), [("by_partner", i, "refusal_reasons", r) for i in partners])
            for r in reasons
        ]
        + [
            (
                ("by_partner", i, "referrals_refused"),
                [("by_partner", i, "refusal_reasons", r) for r in reasons],
            )
            for i in partners
        ],
        [],
    )
    result["issues-partenaires"] = (
        [(("outcomes", o), [("by_partner", i, "outcomes", o) for i in partners]) for o in outcomes],
        [],
    )
    result["issues-titres"] = (
        [(("outcomes", o), [("outcomes_by_permit_kind", k, o) for k in kinds]) for o in outcomes],
        [],
    )
    return result


def value(figures, path):
    node = figures
    for part in path:
        node = node[part]
    return node


def interval(figures, equations, inequalities, unknown):
    """(min, max) of the hidden cell ``unknown`` under the table's equations, given the shown
    cells and the bounds of the hidden ones."""
    hidden = sorted(
        {
            path
            for total, parts in equations + inequalities
            for path in (total, *parts)
            if value(figures, path) in (MASKED, MASKED_COMPLEMENT)
        }
    )
    index = {path: i for i, path in enumerate(hidden)}

    def row_of(total, parts):
        coefficients, constant = [0.0] * len(hidden), 0.0
        for path, sign in ((total, -1), *((part, 1) for part in parts)):
            if path in index:
                coefficients[index[path]] += sign
            else:
                constant -= sign * value(figures, path)
        return coefficients, constant

    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for total, parts in equations:
        coefficients, constant = row_of(total, parts)
        a_eq.append(coefficients)
        b_eq.append(constant)
    for total, parts in inequalities:
        coefficients, constant = row_of(total, parts)  # parts - total <= 0
        a_ub.append(coefficients)
        b_ub.append(constant)
    bounds = [(0, 4) if value(figures, path) == MASKED else (5, None) for path in hidden]
    objective = [0.0] * len(hidden)
    result = []
    for sign in (1, -1):
        objective[index[unknown]] = sign
        solved = linprog(
            objective,
            A_ub=a_ub or None,
            b_ub=b_ub or None,
            A_eq=a_eq or None,
            b_eq=b_eq or None,
            bounds=bounds,
            method="highs",
        )
        if solved.status == 3:  # unbounded
            result.append(math.inf)
            continue
        assert solved.status == 0, solved.message
        result.append(sign * solved.fun)
    return result[0], result[1]


def test_no_hidden_cell_can_be_recomputed_from_its_table(demo):
    checked = 0
    for department in Department.objects.filter(code__in=["75", "93"]):
        for period in periods():
            figures = statistics.compute(department, period=period)
            truth = statistics.compute(department, period=period, masked=False)
            for name, (equations, inequalities) in tables(figures).items():
                # The equations hold for the true figures: they describe the table.
                for total, parts in equations:
                    assert value(truth, total) == sum(value(truth, p) for p in parts), (name, total)
                cells = {p for total, parts in equations + inequalities for p in (total, *parts)}
                for path in sorted(cells):
                    if value(figures, path) not in (MASKED, MASKED_COMPLEMENT):
                        continue
                    low, high = interval(figures, equations, inequalities, path)
                    assert low - 1e-6 <= value(truth, path) <= high + 1e-6, (name, path)
                    assert high - low >= 1 - 1e-6, (department.code, period, name, path, low, high)
                    checked += 1
    # The demo's small figures are hidden somewhere: the check is not vacuous.
    assert checked > 100


def test_no_month_not_begun_is_shown_as_masked(demo):
    today = timezone.localdate()
    department = Department.objects.get(code="75")
    figures = statistics.compute(department, today.year)
    later = [m for m in figures["by_month"] if dt.date(m["year"], m["month"], 1) > today]
    assert len(later) == 12 - today.month
    for month in later:
        assert [month[f] for f in SLICES] == [0] * len(SLICES)


def test_rates_are_whole_per_cents_over_ten_answers_at_least(demo):
    department = Department.objects.get(code="75")
    figures = statistics.compute(department, timezone.localdate().year - 1)
    rates = [p["acceptance_rate"] for p in figures["by_partner"]] + [figures["acceptance_rate"]]
    shown = [rate for rate in rates if rate is not None]
    assert shown, "the demo has partners with enough answers"
    assert all(isinstance(rate, int) for rate in shown)


def test_a_meeting_pack_of_a_demo_copil_prints_the_figures_of_the_statistics_api(
    demo, settings, tmp_path, api_as, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    from governance.models import Committee, Meeting, MeetingPack
    from governance.packs import actions as packs
    from partners.models import User

    settings.MEDIA_ROOT = tmp_path
    settings.BILAN_EMBEDDED_THREAD = False
    prefecture = User.objects.get(email="prefecture@demo.passerelle.test")
    meeting = (
        Meeting.objects.filter(
            committee__kind=Committee.Kind.COPIL,
            committee__agreement__department__code="75",
            status=Meeting.Status.HELD,
        )
        .order_by("-date")
        .first()
    )
    with django_capture_on_commit_callbacks(execute=True):
        pack = packs.request_pack(prefecture, meeting)
    pack.refresh_from_db()
    assert pack.status == MeetingPack.Status.READY, pack.error
    previous = packs.previous_meeting(meeting)
    assert pack.period_start == timezone.localdate(previous.date)
    assert pack.period_end == timezone.localdate(meeting.date)
    api = api_as(prefecture).get(
        "/api/v1/statistics/",
        {"from": pack.period_start.isoformat(), "to": pack.period_end.isoformat()},
    )
    assert api.status_code == 200
    assert pack.snapshot["statistics"] == api.json()
    with pack.pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    with pack.xlsx.open("rb") as xlsx:
        sheet = load_workbook(xlsx)["evolution"]
    printed = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=3)}
    assert printed["Orientations envoyées"] == api.json()["referrals_sent"]
    assert printed["Signataires du CIR"] == api.json()["cir_signatories"]
