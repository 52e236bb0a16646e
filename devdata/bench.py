"""Fictional activity for measuring the bilan (``manage.py bench_bilan``) and for the tests with a
real worker: files and interviews of a year (``bulk_create``), referrals through the real
transitions (``devdata.builder``).

Fictional people only (names "Bénéficiaire 00042"); deterministic (seeded random).
"""

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from beneficiaries.models import Beneficiary, Interview, InterviewKind, PermitKind, SpeDecision
from devdata import builder
from governance.models import (
    Action,
    Agreement,
    Axis,
    Committee,
    Indicator,
    IndicatorYear,
)
from referrals.models import Outcome, RefusalReason, Status

# The people the bench creates on the side cannot sign in.
UNUSABLE = make_password(None)

BATCH = 2000
NATIONALITIES = ["SN", "ML", "CI", "AF", "SY", "MA", "DZ", "TN", "CN", "BD", "ER", "SD", "UA"]
PERMITS = [
    (PermitKind.FAMILY, 40),
    (PermitKind.REFUGEE, 20),
    (PermitKind.SUBSIDIARY_PROTECTION, 10),
    (PermitKind.WORK, 15),
    (PermitKind.STATELESS, 1),
    (PermitKind.APS, 4),
    (PermitKind.OTHER, 10),
]


def agreement_for(department, orgs, year):
    """An agreement in force over ``year`` with its committees, meetings and action plan."""
    agreement = Agreement.objects.create(
        department=department,
        title=f"Accord départemental pour l'insertion professionnelle des étrangers "
        f"primo-arrivants — {department.name}",
        signed_on=datetime.date(year - 2, 6, 1),
        starts_on=datetime.date(year - 2, 6, 1),
        ends_on=datetime.date(year + 2, 3, 1),
        status=Agreement.Status.IN_FORCE,
    )
    builder.signatories(
        agreement,
        orgs,
        [
            ("prefecture", "Claire DUMONT", "Préfète"),
            ("ofii", "Karim BENALI", "Directeur territorial"),
            ("france_travail", "Sophie MARCHAND", "Directrice territoriale"),
            ("mission_locale", "Paul LEROY", "Directeur général"),
            ("cap_emploi", "Inès MOREAU", "Directrice"),
            ("partner", "Luc FONTAINE", "Président"),
        ],
    )
    axis = Axis.objects.create(agreement=agreement, number=2, title="Parcours global")
    committees = builder.committees(agreement)
    user = builder.member(
        orgs["prefecture"], f"coordination-bench-{department.pk}@passerelle.test", password=UNUSABLE
    )
    for kind, months in [(Committee.Kind.COPIL, [3, 11]), (Committee.Kind.TECHNICAL, [2, 6, 10])]:
        for month in months:
            meeting = builder.meeting(
                committees[kind], datetime.date(year, month, 15), place="Préfecture", hour=10
            )
            if meeting.date <= timezone.now():
                builder.hold(user, meeting, decisions=["Relevé de décisions approuvé."])
    action = Action.objects.create(
        agreement=agreement,
        axis=axis,
        title="Orienter les signataires du CIR demandeurs d'emploi vers le SPE",
        lead_organisation=orgs["ofii"],
        starts_on=agreement.starts_on,
        status=Action.Status.IN_PROGRESS,
    )
    indicator = Indicator.objects.create(
        action=action,
        name="Orientations envoyées",
        source=Indicator.Source.COMPUTED,
        statistic="referrals_sent",
    )
    IndicatorYear.objects.create(indicator=indicator, year=year, target=100)
    return agreement


def activity(orgs, year, count, *, seed=7, prefix="B"):
    """``count`` files of ``year`` held by ``orgs["ofii"]``, each with its personalised interview,
    and a referral for most of those oriented, in every state (through the real transitions:
    ``builder.Referrals``; run it inside ``builder.without_notifications()``)."""
    rng = random.Random(seed)
    ofii = orgs["ofii"]
    partners = [orgs["france_travail"], orgs["mission_locale"], orgs["cap_emploi"]]
    auditor = builder.member(ofii, f"auditeur-bench-{ofii.pk}@passerelle.test", password=UNUSABLE)
    story = builder.Referrals(
        auditor,
        {
            partner.pk: builder.member(
                partner, f"conseil-bench-{partner.pk}@passerelle.test", password=UNUSABLE
            )
            for partner in partners
        },
    )
    now = timezone.now()
    code = ofii.department.code
    permits = [kind for kind, weight in PERMITS for _ in range(weight)]
    start = datetime.date(year, 1, 1)
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        people = []
        for index in range(made, made + size):
            signed = start + datetime.timedelta(days=rng.randrange(365))
            people.append(
                Beneficiary(
                    ofii_number=f"{prefix}{code}-{year}-{index:06d}",
                    last_name=f"Bénéficiaire {index:05d}",
                    first_name="Fictif",
                    sex=rng.choice("FM"),
                    birth_date=datetime.date(year - rng.randint(18, 55), rng.randint(1, 12), 1),
                    nationality=rng.choice(NATIONALITIES),
                    permit_kind=rng.choice(permits),
                    first_permit_date=signed - datetime.timedelta(days=rng.randint(10, 300)),
                    cir_signed_on=signed,
                    information_notice_on=signed,
                    commune=ofii.department.name,
                    rqth=rng.random() < 0.04,
                    higher_education=rng.random() < 0.2,
                    french_level=rng.choice(["none", "A1", "A2", "B1"]),
                    ofii_organisation=ofii,
                )
            )
        people = Beneficiary.objects.bulk_create(people)
        interviews, oriented = [], []
        for person in people:
            decision = rng.choices(
                [
                    SpeDecision.ORIENTED,
                    SpeDecision.DISPENSED,
                    SpeDecision.ALREADY_FOLLOWED,
                    SpeDecision.NOT_JOB_SEEKING,
                ],
                [70, 8, 12, 10],
            )[0]
            interviews.append(
                Interview(
                    beneficiary=person,
                    kind=InterviewKind.PERSONALISED,
                    held_on=person.cir_signed_on,
                    auditor=auditor,
                    organisation=ofii,
                    written_level="A1",
                    oral_level="A1",
                    prescribed_hours=rng.choice([0, 100, 200, 400, 600]),
                    spe_decision=decision,
                )
            )
            if decision == SpeDecision.ORIENTED:
                oriented.append(person)
        Interview.objects.bulk_create(interviews)
        for person in oriented:
            _referral(story, rng, person, partners, now)
        made += size
    story.finish()
    return made


def _referral(story, rng, person, partners, now):
    """One referral, sent on the day of the interview and taken to a state drawn at random."""
    sent = min(builder.aware(person.cir_signed_on, 11), now - datetime.timedelta(hours=1))
    status = rng.choices(
        [Status.PENDING, Status.ACCEPTED, Status.IN_PROGRESS, Status.CLOSED, Status.REFUSED],
        [10, 20, 30, 30, 10],
    )[0]
    referral = story.send(person, rng.choice(partners), sent, reason="Recherche d'emploi")
    answered = sent + datetime.timedelta(days=rng.randint(1, 20))
    if status == Status.PENDING or answered > now:
        return
    if status == Status.REFUSED:
        reason = rng.choice(
            [RefusalReason.NOT_ELIGIBLE, RefusalReason.UNREACHABLE, RefusalReason.DECLINED]
        )
        story.refuse(referral, answered, reason=reason)
        return
    first = answered + datetime.timedelta(days=rng.randint(2, 30))
    referral = story.accept(referral, answered, appointment_at=first)
    if status == Status.ACCEPTED or first > now:
        return
    referral = story.start(referral, first)
    outcome_date = timezone.localdate(first + datetime.timedelta(days=60))
    if status == Status.IN_PROGRESS or outcome_date > timezone.localdate(now):
        return
    story.close(
        referral,
        builder.aware(outcome_date),
        outcome=rng.choice(Outcome.values),
        outcome_date=outcome_date,
    )
