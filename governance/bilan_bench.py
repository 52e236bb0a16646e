"""Bulk, fictional activity for measuring the bilan (``manage.py bench_bilan``) and for the tests
with a real worker: files, interviews and referrals of a year, created with ``bulk_create``.

Fictional people only (names "Bénéficiaire 00042"); deterministic (seeded random).
"""

import datetime
import random

from django.utils import timezone

from beneficiaries.models import Beneficiary, Interview, InterviewKind, PermitKind, SpeDecision
from partners.models import Department, Organisation, OrganisationKind, User
from referrals.models import Outcome, Referral, RefusalReason, Status

from .models import (
    Action,
    Agreement,
    Axis,
    Committee,
    Decision,
    Indicator,
    IndicatorYear,
    Meeting,
    Signatory,
)

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


def _aware(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def organisations(department):
    """The signatories' organisations of a department (created when missing)."""
    wanted = [
        ("ofii", OrganisationKind.OFII, f"DT OFII {department.name}"),
        ("france_travail", OrganisationKind.FRANCE_TRAVAIL, f"France Travail {department.name}"),
        ("mission_locale", OrganisationKind.MISSION_LOCALE, f"Mission Locale {department.name}"),
        ("cap_emploi", OrganisationKind.CAP_EMPLOI, f"Cap emploi {department.code}"),
        ("prefecture", OrganisationKind.PREFECTURE, f"Préfecture — {department.name}"),
        ("partner", OrganisationKind.ASSOCIATION, f"Association d'accueil {department.name}"),
    ]
    result = {}
    for key, kind, name in wanted:
        result[key], _created = Organisation.objects.get_or_create(
            department=department,
            name=name,
            defaults={
                "kind": kind,
                "receives_referrals": kind
                in {
                    OrganisationKind.FRANCE_TRAVAIL,
                    OrganisationKind.MISSION_LOCALE,
                    OrganisationKind.CAP_EMPLOI,
                },
            },
        )
    return result


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
    people = {
        "prefecture": ("Claire DUMONT", "Préfète"),
        "ofii": ("Karim BENALI", "Directeur territorial"),
        "france_travail": ("Sophie MARCHAND", "Directrice territoriale"),
        "mission_locale": ("Paul LEROY", "Directeur général"),
        "cap_emploi": ("Inès MOREAU", "Directrice"),
        "partner": ("Luc FONTAINE", "Président"),
    }
    Signatory.objects.bulk_create(
        Signatory(
            agreement=agreement,
            organisation=orgs[key],
            representative=name,
            representative_title=title,
            signed_on=agreement.signed_on,
        )
        for key, (name, title) in people.items()
    )
    axis = Axis.objects.create(agreement=agreement, number=2, title="Parcours global")
    copil = Committee.objects.create(agreement=agreement, kind=Committee.Kind.COPIL)
    technical = Committee.objects.create(agreement=agreement, kind=Committee.Kind.TECHNICAL)
    for committee, months in [(copil, [3, 11]), (technical, [2, 6, 10])]:
        for month in months:
            meeting = Meeting.objects.create(
                committee=committee,
                date=_aware(datetime.date(year, month, 15)),
                place="Préfecture",
                status=Meeting.Status.HELD,
            )
            Decision.objects.create(meeting=meeting, text="Relevé de décisions approuvé.")
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
    and a referral for most of those oriented, in every state."""
    rng = random.Random(seed)
    ofii = orgs["ofii"]
    partners = [orgs["france_travail"], orgs["mission_locale"], orgs["cap_emploi"]]
    auditor, _created = User.objects.get_or_create(
        email=f"auditeur-bench-{ofii.pk}@passerelle.test", defaults={"first_name": "Agent"}
    )
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
                    commune=ofii.department.name,
                    rqth=rng.random() < 0.04,
                    higher_education=rng.random() < 0.2,
                    french_level=rng.choice(["none", "A1", "A2", "B1"]),
                    ofii_organisation=ofii,
                )
            )
        people = Beneficiary.objects.bulk_create(people)
        interviews, referrals = [], []
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
            held = person.cir_signed_on
            interviews.append(
                Interview(
                    beneficiary=person,
                    kind=InterviewKind.PERSONALISED,
                    held_on=held,
                    auditor=auditor,
                    organisation=ofii,
                    written_level="A1",
                    oral_level="A1",
                    prescribed_hours=rng.choice([0, 100, 200, 400, 600]),
                    spe_decision=decision,
                )
            )
            if decision == SpeDecision.ORIENTED:
                referrals.append(_referral(rng, person, ofii, partners, auditor, held))
        Interview.objects.bulk_create(interviews)
        Referral.objects.bulk_create(referrals)
        made += size
    return made


def _referral(rng, person, ofii, partners, sender, day):
    sent = _aware(day, 11)
    status = rng.choices(
        [Status.PENDING, Status.ACCEPTED, Status.IN_PROGRESS, Status.CLOSED, Status.REFUSED],
        [10, 20, 30, 30, 10],
    )[0]
    referral = Referral(
        beneficiary=person,
        from_organisation=ofii,
        to_organisation=rng.choice(partners),
        sender=sender,
        reason="Recherche d'emploi",
        status=status,
        sent_at=sent,
        answer_due_at=sent + datetime.timedelta(days=14),
    )
    if status != Status.PENDING:
        referral.answered_at = sent + datetime.timedelta(days=rng.randint(1, 20))
    if status in (Status.IN_PROGRESS, Status.CLOSED):
        referral.first_appointment_at = referral.answered_at + datetime.timedelta(
            days=rng.randint(2, 30)
        )
    if status == Status.CLOSED:
        referral.outcome = rng.choice(Outcome.values)
        referral.outcome_date = (referral.first_appointment_at + datetime.timedelta(days=60)).date()
        referral.closed_at = _aware(referral.outcome_date)
    if status == Status.REFUSED:
        referral.refusal_reason = rng.choice(
            [RefusalReason.NOT_ELIGIBLE, RefusalReason.UNREACHABLE, RefusalReason.DECLINED]
        )
    return referral


def department(code, name):
    return Department.objects.get_or_create(code=code, defaults={"name": name})[0]
