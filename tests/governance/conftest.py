"""A small known data set for the statistics of Paris in 2025 (figures listed in KNOWN)."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import (
    BeneficiaryFactory,
    InterviewFactory,
    ReferralFactory,
    UserFactory,
)

YEAR = 2025


def at(month, day, hour=10):
    return timezone.make_aware(dt.datetime(YEAR, month, day, hour))


def make_referral(beneficiary, to, *, sent, status="pending", answered_days=None, **fields):
    sent_at = at(*sent)
    values = {"answer_due_at": sent_at + dt.timedelta(days=7)}
    if answered_days is not None:
        values["answered_at"] = sent_at + dt.timedelta(days=answered_days)
    values.update(fields)
    return ReferralFactory(
        beneficiary=beneficiary, to_organisation=to, sent_at=sent_at, status=status, **values
    )


@pytest.fixture
def known_dataset(orgs):
    """Paris 2025: 8 CIR signatories (5 women; 6 refugees, 2 family; 6 in March, 2 in
    September; 2 under 26 at signature; 1 RQTH), 8 personalised interviews (6 oriented,
    2 dispensed) and 1 end-of-CIR interview, 6 referrals (France Travail: accepted, in progress,
    closed with a durable job, refused as not eligible, pending and overdue; Mission Locale:
    accepted). Answers after 1, 2, 3, 4 and 10 days (median 3.0; the 10-day one was late);
    first appointments after 5 and 9 days (median 7.0). Noise: a 2024 signatory, a file of
    Seine-Saint-Denis, a referral sent in 2024."""
    ofii, ft, ml = orgs["ofii"], orgs["france_travail"], orgs["mission_locale"]
    auditor = UserFactory()

    def person(month, day, **fields):
        values = {
            "ofii_organisation": ofii,
            "sex": "F",
            "permit_kind": "refugee",
            "birth_date": dt.date(1990, 1, 1),
            "first_permit_date": dt.date(2024, 6, 1),
            "cir_signed_on": dt.date(YEAR, month, day),
        }
        values.update(fields)
        return BeneficiaryFactory(**values)

    people = [
        # Under 26 at signature: 23 years old.
        person(3, 10, birth_date=dt.date(2001, 5, 1)),
        # 25 on signing, 26 the day after: under 26.
        person(3, 10, birth_date=dt.date(1999, 3, 11), sex="M"),
        # 26 exactly on the day of signing: not under 26.
        person(3, 10, birth_date=dt.date(1999, 3, 10)),
        person(3, 12, rqth=True),
        person(3, 12, sex="M"),
        person(3, 20),
        person(9, 1, permit_kind="family"),
        person(9, 2, permit_kind="family", sex="M"),
    ]
    decisions = ["oriented"] * 6 + ["dispensed"] * 2
    for beneficiary, decision in zip(people, decisions, strict=True):
        InterviewFactory(
            beneficiary=beneficiary,
            held_on=beneficiary.cir_signed_on,
            spe_decision=decision,
            auditor=auditor,
        )
    InterviewFactory(
        beneficiary=people[0],
        kind="end_of_cir",
        spe_decision="",
        held_on=dt.date(YEAR, 11, 5),
        auditor=auditor,
    )

    make_referral(people[0], ft, sent=(3, 11), status="accepted", answered_days=1)
    make_referral(
        people[1],
        ft,
        sent=(3, 11),
        status="in_progress",
        answered_days=2,
        first_appointment_at=at(3, 16),
    )
    make_referral(
        people[2],
        ft,
        sent=(3, 11),
        status="closed",
        answered_days=3,
        first_appointment_at=at(3, 20),
        closed_at=at(6, 1),
        outcome="job_durable",
        outcome_date=dt.date(YEAR, 6, 1),
    )
    make_referral(
        people[3],
        ft,
        sent=(3, 13),
        status="refused",
        answered_days=10,
        refusal_reason="not_eligible",
    )
    make_referral(people[4], ft, sent=(3, 13))  # pending, overdue
    make_referral(people[5], ml, sent=(3, 21), status="accepted", answered_days=4)

    # Noise that must not be counted.
    noise = person(3, 10)
    noise.cir_signed_on = dt.date(2024, 12, 31)
    noise.save()
    make_referral(noise, ft, sent=(3, 11)).__class__.objects.filter(beneficiary=noise).update(
        sent_at=timezone.make_aware(dt.datetime(2024, 12, 31, 10))
    )
    person(3, 10, ofii_organisation=orgs["ofii93"])
    return people


# The browser fixture of tests/browser, for the governance browser test.
from tests.browser.conftest import browser_page  # noqa: E402, F401
