"""Statistical secrecy: which cells of the figures are hidden, and how they are shown.

Masking (``masked=True``, wherever figures leave the organisation that owns the records: the
préfecture, the partners, the bilan): a count from 1 to 4 is shown as the string ``"< 5"``
(primary suppression; 0 is shown). Then complementary suppression, repeated until nothing
changes: for every breakdown that adds up to a total which is shown (``partitions``), if exactly
one of its cells is masked, the smallest other cell is masked too, so that the masked cell cannot
be recomputed by subtraction. A complementary cell of 5 or more is shown as ``"≥ 5"`` (never a
false "< 5"). A rate or a median resting on masked counts (fewer than 5 values) is ``None``.
"""

from referrals.models import Outcome, RefusalReason

from .figures import PARTNER_FIGURES, PERMIT_KINDS, SLICE_FIGURES

MASK_THRESHOLD = 5
MASKED = "< 5"
MASKED_COMPLEMENT = "≥ 5"


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
    for figure in SLICE_FIGURES:
        yield (figure,), [("by_permit_kind", kind, figure) for kind in PERMIT_KINDS]
        yield (figure,), [("by_month", index, figure) for index in range(12)]
    partner_count = sum(1 for path in cells if path[0] == "by_partner" and path[2] == "overdue")
    for figure in PARTNER_FIGURES:
        yield (figure,), [("by_partner", index, figure) for index in range(partner_count)]


def masked_paths(cells):
    """The cells to hide: counts from 1 to 4, then complementary cells until nothing changes."""
    hidden = {path for path, value in cells.items() if 0 < value < MASK_THRESHOLD}
    changed = True
    while changed:
        changed = False
        for total, parts in partitions(cells):
            if total in hidden or not cells[total]:
                continue
            if sum(1 for part in parts if part in hidden) != 1:
                continue
            candidates = [part for part in parts if part not in hidden]
            if not candidates:
                continue
            hidden.add(min(candidates, key=lambda part: cells[part]))
            changed = True
    return hidden


def shown(cells, hidden, path):
    value = cells[path]
    if path not in hidden:
        return value
    return MASKED if value < MASK_THRESHOLD else MASKED_COMPLEMENT


def rate(accepted, answered, hidden_inputs):
    if not answered or hidden_inputs:
        return None
    return round(100 * accepted / answered, 1)


def too_few(n, masked):
    return masked and 0 < n < MASK_THRESHOLD
