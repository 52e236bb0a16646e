"""Statistical secrecy: which cells of the figures are hidden, and how they are shown.

Masking (``masked=True``, wherever figures leave the organisation that owns the records: the
préfecture, the partners, the bilan) is applied once, in ``statistics.compute``, so the page, the
API, the spreadsheets and the PDF print the same hidden cells.

1. Primary suppression: a count from 1 to 4 is shown as ``"< 5"``; 0 is shown.
2. Structural zeros (a month not begun yet, a cell that cannot be non-zero) are never hidden and
   never chosen as a complementary cell: everyone knows they are 0, so hiding them protects
   nothing and gives the neighbour away.
3. Complementary suppression, repeated until nothing changes: every breakdown shown beside its
   total (``partitions``: a total and the cells adding up to it, rows and columns of the same
   table) is one equation. For each of its hidden cells, the values it may take knowing the shown
   cells, the bounds of the hidden ones (``"< 5"`` is 0 to 4, ``"≥ 5"`` is 5 or more) and the
   equation are computed (``feasible_interval``). If one hidden cell could take a single value, it
   could be recomputed: the smallest other cell of the breakdown (not a structural zero) is
   hidden too, or the total when none is left. A hidden cell of 5 or more reads ``"≥ 5"`` (never
   a false "< 5").
4. A rate is rounded to a whole per cent and shown only when its denominator reaches
   ``RATE_MIN_DENOMINATOR`` and none of the counts it rests on is hidden; a median needs 5 values.

The test ``tests/governance/test_secrecy.py`` checks with a linear-programming solver, on every
table of the demo's statistics, that no hidden cell can be recomputed from its table.
"""

import math

from referrals.models import Outcome, RefusalReason

from .figures import ACCOMPANIMENT_KINDS, PARTNER_FIGURES, PERMIT_KINDS, SLICE_FIGURES

MASK_THRESHOLD = 5
MASKED = "< 5"
MASKED_COMPLEMENT = "≥ 5"
# A masked rate needs at least this many answers behind it.
RATE_MIN_DENOMINATOR = 10


def _count(cells, kind):
    """How many months (or partners) the cells hold."""
    return len({path[1] for path in cells if path[0] == kind})


def partitions(cells):
    """(total, cells adding up to it) for every breakdown that is shown beside its total."""
    yield (
        ("interviews",),
        [
            ("oriented",),
            ("dispensed",),
            ("spe_decisions", "already_followed"),
            ("spe_decisions", "not_job_seeking"),
        ],
    )
    yield (
        ("referrals_sent",),
        [
            ("referrals_accepted",),
            ("referrals_refused",),
            *(("referrals_by_status", status) for status in ("pending", "redirected", "cancelled")),
        ],
    )
    yield ("referrals_refused",), [("refusal_reasons", reason) for reason in RefusalReason.values]
    yield ("referrals_closed",), [("outcomes", outcome) for outcome in Outcome.values]
    months = _count(cells, "by_month")
    for figure in SLICE_FIGURES:
        yield (figure,), [("by_permit_kind", kind, figure) for kind in PERMIT_KINDS]
        yield (figure,), [("by_month", index, figure) for index in range(months)]
    partners = _count(cells, "by_partner")
    for figure in PARTNER_FIGURES:
        yield (figure,), [("by_partner", index, figure) for index in range(partners)]
    # Refusal reasons and outcomes by partner: columns add up to the totals, rows (reasons) to
    # the partner's refusals.
    for reason in RefusalReason.values:
        yield (
            ("refusal_reasons", reason),
            [("refusal_reasons_by_partner", index, reason) for index in range(partners)],
        )
    for index in range(partners):
        yield (
            ("by_partner", index, "referrals_refused"),
            [("refusal_reasons_by_partner", index, reason) for reason in RefusalReason.values],
        )
    for outcome in Outcome.values:
        yield (
            ("outcomes", outcome),
            [("outcomes_by_partner", index, outcome) for index in range(partners)],
        )
        yield (
            ("outcomes", outcome),
            [("outcomes_by_permit_kind", kind, outcome) for kind in PERMIT_KINDS],
        )
    yield (
        ("follow_ups", "accompaniment"),
        [("accompaniments", kind) for kind in ACCOMPANIMENT_KINDS],
    )
    # Programme entries (``life``): the kinds add up to the total.
    kinds = [path for path in cells if path[0] == "programme_entries"]
    if kinds:
        yield ("programme_entries_total",), kinds


def bounds(cells, hidden, path):
    """What a reader knows of a cell: its value when shown, 0–4 for "< 5", 5 or more for "≥ 5"."""
    value = cells[path]
    if path not in hidden:
        return (value, value)
    return (0, MASK_THRESHOLD - 1) if value < MASK_THRESHOLD else (MASK_THRESHOLD, math.inf)


def feasible_interval(cells, hidden, total, parts, unknown):
    """The values ``unknown`` (the total or one of the parts) may take given the equation
    ``total = sum(parts)`` and the bounds of the other cells (exact for one equation)."""
    low, high = bounds(cells, hidden, unknown)
    if unknown == total:
        return (
            max(low, sum(bounds(cells, hidden, part)[0] for part in parts)),
            min(high, sum(bounds(cells, hidden, part)[1] for part in parts)),
        )
    total_low, total_high = bounds(cells, hidden, total)
    others = [part for part in parts if part != unknown]
    return (
        max(low, total_low - sum(bounds(cells, hidden, part)[1] for part in others)),
        min(high, total_high - sum(bounds(cells, hidden, part)[0] for part in others)),
    )


def _recoverable(cells, hidden, total, parts):
    for unknown in (total, *parts):
        if unknown in hidden:
            low, high = feasible_interval(cells, hidden, total, parts, unknown)
            if low >= high:
                return True
    return False


def masked_paths(cells, structural=frozenset()):
    """The cells to hide: counts from 1 to 4, then complementary cells until none of them can be
    recomputed from its breakdown. ``structural``: cells known to be zero (never hidden)."""
    hidden = {
        path
        for path, value in cells.items()
        if 0 < value < MASK_THRESHOLD and path not in structural
    }
    lines = [
        (total, [part for part in parts if part not in structural])
        for total, parts in partitions(cells)
    ]
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            if not _recoverable(cells, hidden, total, parts):
                continue
            candidates = [part for part in parts if part not in hidden]
            if candidates:
                hidden.add(min(candidates, key=lambda part: cells[part]))
            elif total not in hidden and total not in structural:
                hidden.add(total)
            else:
                continue
            changed = True
    return hidden


def shown(cells, hidden, path):
    value = cells[path]
    if path not in hidden:
        return value
    return MASKED if value < MASK_THRESHOLD else MASKED_COMPLEMENT


def rate(part, whole, hidden_inputs, masked=True):
    """``part / whole`` in per cent: whole per cents when masked (one decimal otherwise); None
    when nothing was answered, or, masked, when it rests on a hidden count or on fewer than
    ``RATE_MIN_DENOMINATOR`` answers (a precise rate of a small number gives it away)."""
    if not whole:
        return None
    if masked:
        if hidden_inputs or whole < RATE_MIN_DENOMINATOR:
            return None
        return round(100 * part / whole)
    return round(100 * part / whole, 1)


def too_few(n, masked):
    return masked and 0 < n < MASK_THRESHOLD
