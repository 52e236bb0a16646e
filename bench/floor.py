"""The SQL floor of the statistics: the figures of one department-year written by hand, in the
fewest PostgreSQL queries (one ``GROUP BY`` per population, the slices summed in Python, the
medians by ``percentile_cont``). ``statistics.compute`` is measured against it, and the totals
of ``COMPARED`` must be equal (the floor computes the same figures)."""

import datetime
from collections import Counter

from django.db import connection
from django.utils import timezone

COMPARED = (
    "cir_signatories",
    "interviews",
    "oriented",
    "dispensed",
    "end_of_cir_interviews",
    "referrals_sent",
    "referrals_accepted",
    "referrals_refused",
    "referrals_closed",
    "overdue",
    "answered_late",
)

PUBLIC_COUNTS_SQL = """
    count(*) FILTER (WHERE b.sex = 'F') AS women,
    count(*) FILTER (WHERE b.permit_kind IN ('refugee', 'subsidiary_protection', 'stateless')) AS bpi,
    count(*) FILTER (WHERE b.rqth) AS rqth,
    count(*) FILTER (WHERE b.higher_education) AS graduates,
    count(*) FILTER (WHERE b.cir_signed_on < b.birth_date + interval '26 years') AS under_26
"""

FILES = f"""
SELECT b.permit_kind, extract(month FROM b.cir_signed_on)::int AS month, count(*) AS n, {PUBLIC_COUNTS_SQL}
FROM beneficiaries_beneficiary b
JOIN partners_organisation o ON o.id = b.ofii_organisation_id
WHERE o.department_id = %(department)s AND b.cir_signed_on >= %(start)s AND b.cir_signed_on < %(end)s
GROUP BY 1, 2
"""  # noqa: S608 (constant text)

INTERVIEWS = f"""
SELECT i.kind, i.spe_decision, b.permit_kind, extract(month FROM i.held_on)::int AS month,
       count(*) AS n, {PUBLIC_COUNTS_SQL}
FROM beneficiaries_interview i
JOIN beneficiaries_beneficiary b ON b.id = i.beneficiary_id
JOIN partners_organisation o ON o.id = b.ofii_organisation_id
WHERE o.department_id = %(department)s AND i.held_on >= %(start)s AND i.held_on < %(end)s
GROUP BY 1, 2, 3, 4
"""  # noqa: S608

REFERRALS = f"""
SELECT r.status, r.to_organisation_id, r.refusal_reason, r.outcome, b.permit_kind,
       extract(month FROM r.sent_at AT TIME ZONE 'Europe/Paris')::int AS month, count(*) AS n,
       count(*) FILTER (WHERE r.status IN ('pending', 'under_review') AND r.answer_due_at < %(now)s) AS overdue,
       count(*) FILTER (WHERE r.answered_at > r.answer_due_at) AS answered_late, {PUBLIC_COUNTS_SQL}
FROM referrals_referral r
JOIN partners_organisation f ON f.id = r.from_organisation_id
JOIN beneficiaries_beneficiary b ON b.id = r.beneficiary_id
WHERE f.department_id = %(department)s AND r.sent_at >= %(start_at)s AND r.sent_at < %(end_at)s
GROUP BY 1, 2, 3, 4, 5, 6
"""  # noqa: S608

MEDIANS = """
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY r.answered_at - r.sent_at),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.first_appointment_at - r.sent_at)
FROM referrals_referral r
JOIN partners_organisation f ON f.id = r.from_organisation_id
WHERE f.department_id = %(department)s AND r.sent_at >= %(start_at)s AND r.sent_at < %(end_at)s
"""


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def figures(department_id, year):
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    params = {
        "department": department_id,
        "start": start,
        "end": end,
        "start_at": timezone.make_aware(datetime.datetime.combine(start, datetime.time())),
        "end_at": timezone.make_aware(datetime.datetime.combine(end, datetime.time())),
        "now": timezone.now(),
    }
    result = Counter()
    slices = Counter()
    for row in _rows(FILES, params):
        result["cir_signatories"] += row["n"]
        slices[("files", row["permit_kind"], row["month"])] += row["n"]
    for row in _rows(INTERVIEWS, params):
        if row["kind"] == "end_of_cir":
            result["end_of_cir_interviews"] += row["n"]
        elif row["kind"] == "personalised":
            result["interviews"] += row["n"]
            if row["spe_decision"] in ("oriented", "dispensed"):
                result[row["spe_decision"]] += row["n"]
    for row in _rows(REFERRALS, params):
        result["referrals_sent"] += row["n"]
        result["overdue"] += row["overdue"]
        result["answered_late"] += row["answered_late"]
        if row["status"] in ("accepted", "in_progress", "closed"):
            result["referrals_accepted"] += row["n"]
        if row["status"] == "refused":
            result["referrals_refused"] += row["n"]
        if row["status"] == "closed":
            result["referrals_closed"] += row["n"]
        slices[("partner", row["to_organisation_id"])] += row["n"]
    medians = _rows(MEDIANS, params)[0]
    return {**{key: result[key] for key in COMPARED}, "medians": list(medians.values())}
