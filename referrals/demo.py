"""Demo data of the referrals app: orientations of the demo beneficiaries who have an ``oriented``
personalised interview, in every state, with their events, follow-ups and outcomes.

Deterministic (seeded per file), idempotent (a person who already has a referral is skipped),
fast (bulk_create). Rows are written with the same fields ``referrals.states`` writes, within
the database constraints; timings look real: answers in 1 to 20 days, some overdue now.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from beneficiaries.models import Beneficiary, Interview, InterviewKind, SpeDecision
from partners.models import Membership, Organisation, OrganisationKind

from .deadlines import answer_due_at
from .models import FollowUp, Outcome, Referral, ReferralEvent, RefusalReason, Status

SHARE = 0.85  # most oriented people have a referral; the others are still to orient
REASONS = [
    "Recherche d'emploi",
    "Projet de formation qualifiante",
    "Accompagnement vers l'emploi et reconnaissance du diplôme",
    "Recherche d'emploi, besoin de français à visée professionnelle",
    "Création d'activité",
]
NOTES = [
    "Expérience dans le bâtiment dans son pays ; souhaite se former au métier de plombier.",
    "Disponible immédiatement, garde d'enfants organisée.",
    "Cours de français OFII en cours (A2) ; souhaite un premier emploi dans la restauration.",
    "Diplôme étranger d'infirmière ; démarche ENIC-NARIC à engager.",
    "Souhaite travailler dans la logistique ; permis de conduire étranger.",
    "",
]
REFUSAL_WEIGHTS = {
    RefusalReason.ALREADY_FOLLOWED: 30,
    RefusalReason.UNREACHABLE: 30,
    RefusalReason.DECLINED: 15,
    RefusalReason.NOT_ELIGIBLE: 15,
    RefusalReason.DUPLICATE: 5,
    RefusalReason.OTHER: 5,
}
OUTCOME_WEIGHTS = {
    Outcome.JOB_DURABLE: 22,
    Outcome.JOB_TEMPORARY: 20,
    Outcome.TRAINING_LANGUAGE: 18,
    Outcome.TRAINING_VOCATIONAL: 16,
    Outcome.BUSINESS_CREATION: 3,
    Outcome.LEFT_TERRITORY: 4,
    Outcome.LOST_CONTACT: 14,
    Outcome.OTHER: 3,
}
ACCOMPANIMENT_BY_KIND = {
    OrganisationKind.FRANCE_TRAVAIL: FollowUp.Accompaniment.PPAE,
    OrganisationKind.MISSION_LOCALE: FollowUp.Accompaniment.CEJ,
    OrganisationKind.CAP_EMPLOI: FollowUp.Accompaniment.GLOBAL,
}
FOLLOW_UP_BY_OUTCOME = {
    Outcome.JOB_DURABLE: FollowUp.Kind.JOB,
    Outcome.JOB_TEMPORARY: FollowUp.Kind.JOB,
    Outcome.TRAINING_LANGUAGE: FollowUp.Kind.FRENCH_TRAINING,
    Outcome.TRAINING_VOCATIONAL: FollowUp.Kind.TRAINING_ENTRY,
}


def pick(rng, weighted):
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def at(day, rng, start=9, end=17):
    moment = datetime.combine(day, time(rng.randint(start, end - 1), rng.choice((0, 15, 30, 45))))
    return timezone.make_aware(moment)


def answer_delay(rng):
    """Days to answer: mostly within a week, a tail up to 20 days."""
    return min(20, max(1, int(rng.expovariate(1 / 5)) + 1))


class Plan:
    """Rows to insert, in dependency order, with a temporary key for each referral."""

    def __init__(self):
        self.referrals, self.events, self.follow_ups, self.redirects = [], [], [], []
        self.activity = {}

    def event(self, referral, frm, to, when, actor, organisation, comment=""):
        self.events.append(
            ReferralEvent(
                referral=referral,
                from_status=frm,
                to_status=to,
                actor=actor,
                organisation=organisation,
                at=when,
                comment=comment,
            )
        )
        key = referral.beneficiary_id
        self.activity[key] = max(self.activity.get(key, when), when)

    def follow_up(self, referral, kind, day, author, organisation, accompaniment="", comment=""):
        if author is None:
            return
        self.follow_ups.append(
            FollowUp(
                referral=referral,
                kind=kind,
                accompaniment=accompaniment,
                happened_on=day,
                comment=comment,
                author=author,
                organisation=organisation,
                created_at=timezone.make_aware(datetime.combine(day, time(17))),
            )
        )


def target_for(person, held_on, partners, rng):
    age = person.age_on(held_on)
    kind = (
        OrganisationKind.MISSION_LOCALE
        if age < 26
        else OrganisationKind.CAP_EMPLOI
        if person.rqth
        else OrganisationKind.FRANCE_TRAVAIL
    )
    if rng.random() < 0.08:  # the auditor sometimes chooses another partner
        kind = rng.choice(list(partners))
    return partners.get(kind) or next(iter(partners.values()))


def build(plan, person, held_on, sender, ofii, partners, counsellors, now, rng):
    """Plans one person's referral (and the one it was redirected to, if any)."""
    today = timezone.localdate(now)
    sent_day = min(held_on + timedelta(days=rng.randint(0, 2)), today)
    sent = min(at(sent_day, rng), now - timedelta(hours=1))
    target = target_for(person, held_on, partners, rng)
    referral = Referral(
        beneficiary=person,
        from_organisation=ofii,
        to_organisation=target,
        sender=sender,
        reason=rng.choice(REASONS),
        note=rng.choice(NOTES),
        sent_at=sent,
        answer_due_at=answer_due_at(sent),
    )
    plan.referrals.append(referral)
    plan.event(referral, "", Status.PENDING, sent, sender, ofii)
    answer(plan, referral, target, sender, ofii, partners, counsellors, now, rng)


def answer(plan, referral, target, sender, ofii, partners, counsellors, now, rng, depth=0):
    counsellor = counsellors.get(target.pk)
    answered = referral.sent_at + timedelta(days=answer_delay(rng), hours=rng.randint(0, 5))
    roll = rng.random()
    recent = referral.sent_at > now - timedelta(days=60)
    if answered > now or roll < 0.02 or (recent and rng.random() < 0.4):
        # Not answered yet: pending, overdue once its deadline has passed (some are); old
        # unanswered ones were cancelled by OFII.
        if referral.sent_at < now - timedelta(days=60):
            cancelled = referral.sent_at + timedelta(days=rng.randint(25, 40))
            referral.status = Status.CANCELLED
            plan.event(
                referral,
                Status.PENDING,
                Status.CANCELLED,
                cancelled,
                sender,
                ofii,
                "Personne partie du territoire, orientation sans objet.",
            )
        return
    referral.answered_at = answered
    if roll < 0.14:
        referral.status = Status.REFUSED
        referral.refusal_reason = pick(rng, REFUSAL_WEIGHTS)
        if referral.refusal_reason == RefusalReason.OTHER:
            referral.refusal_comment = "Personne en formation longue jusqu'à l'été."
        plan.event(
            referral,
            Status.PENDING,
            Status.REFUSED,
            answered,
            counsellor,
            target,
            referral.refusal_comment,
        )
        return
    others = [org for org in partners.values() if org.pk != target.pk]
    if roll < 0.20 and depth == 0 and others:
        new_target = rng.choice(others)
        referral.status = Status.REDIRECTED
        comment = "Profil plus adapté à l'offre de ce partenaire."
        plan.event(
            referral, Status.PENDING, Status.REDIRECTED, answered, counsellor, target, comment
        )
        new = Referral(
            beneficiary=referral.beneficiary,
            from_organisation=ofii,
            to_organisation=new_target,
            sender=sender,
            reason=referral.reason,
            note=referral.note,
            sent_at=answered,
            answer_due_at=answer_due_at(answered),
        )
        plan.referrals.append(new)
        plan.redirects.append((referral, new))
        plan.event(new, "", Status.PENDING, answered, counsellor, target, comment)
        answer(plan, new, new_target, sender, ofii, partners, counsellors, now, rng, depth=1)
        return
    # Accepted, with an appointment a few days later.
    referral.status = Status.ACCEPTED
    referral.appointment_at = at(
        timezone.localdate(answered) + timedelta(days=rng.randint(3, 15)), rng
    )
    plan.event(referral, Status.PENDING, Status.ACCEPTED, answered, counsellor, target)
    appointment = referral.appointment_at
    if appointment > now:
        return
    if rng.random() < 0.12:
        plan.follow_up(referral, FollowUp.Kind.NO_SHOW, appointment.date(), counsellor, target)
        appointment = at(appointment.date() + timedelta(days=rng.randint(7, 14)), rng)
        referral.appointment_at = appointment
        if appointment > now or rng.random() < 0.3:
            return
    referral.status = Status.IN_PROGRESS
    referral.first_appointment_at = appointment
    plan.event(referral, Status.ACCEPTED, Status.IN_PROGRESS, appointment, counsellor, target)
    first_day = timezone.localdate(appointment)
    plan.follow_up(referral, FollowUp.Kind.DIAGNOSTIC, first_day, counsellor, target)
    accompaniment_day = first_day + timedelta(days=rng.randint(7, 21))
    if accompaniment_day < timezone.localdate(now):
        plan.follow_up(
            referral,
            FollowUp.Kind.ACCOMPANIMENT,
            accompaniment_day,
            counsellor,
            target,
            accompaniment=ACCOMPANIMENT_BY_KIND.get(target.kind, FollowUp.Accompaniment.OTHER),
        )
    outcome_day = first_day + timedelta(days=rng.randint(45, 330))
    closed = at(outcome_day + timedelta(days=rng.randint(0, 10)), rng)
    if closed > now or rng.random() < 0.25:
        return
    referral.status = Status.CLOSED
    referral.outcome = pick(rng, OUTCOME_WEIGHTS)
    referral.outcome_date = outcome_day
    referral.closed_at = closed
    kind = FOLLOW_UP_BY_OUTCOME.get(referral.outcome)
    if kind:
        plan.follow_up(referral, kind, outcome_day, counsellor, target)
    plan.event(referral, Status.IN_PROGRESS, Status.CLOSED, closed, counsellor, target)


@transaction.atomic
def load(password, stdout):
    now = timezone.now()
    created = 0
    for ofii in Organisation.objects.filter(kind=OrganisationKind.OFII).order_by("pk"):
        sender_membership = (
            Membership.objects.filter(organisation=ofii, is_active=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if sender_membership is None:
            continue
        sender = sender_membership.user
        receivers = Organisation.objects.filter(
            department_id=ofii.department_id, receives_referrals=True
        ).order_by("pk")
        partners = {}
        for org in receivers:
            partners.setdefault(org.kind, org)
        if not partners:
            continue
        counsellors = {
            m.organisation_id: m.user
            for m in Membership.objects.filter(organisation__in=receivers, is_active=True)
            .select_related("user")
            .order_by("-pk")
        }
        # The latest personalised interview of each person who has none referral yet.
        oriented = (
            Interview.objects.filter(
                organisation=ofii,
                kind=InterviewKind.PERSONALISED,
                spe_decision=SpeDecision.ORIENTED,
                beneficiary__referrals__isnull=True,
                beneficiary__anonymised_at__isnull=True,
            )
            .values("beneficiary_id")
            .annotate(held_on=Max("held_on"))
            .order_by("beneficiary_id")
        )
        held = {row["beneficiary_id"]: row["held_on"] for row in oriented}
        people = Beneficiary.objects.filter(pk__in=held).order_by("pk")
        plan = Plan()
        for person in people:
            rng = random.Random(f"passerelle-referral-{person.ofii_number}")  # noqa: S311
            if rng.random() > SHARE:
                continue
            build(plan, person, held[person.pk], sender, ofii, partners, counsellors, now, rng)
        Referral.objects.bulk_create(plan.referrals, batch_size=500)
        for old, new in plan.redirects:
            old.redirected_to = new
        Referral.objects.bulk_update([old for old, _new in plan.redirects], ["redirected_to"])
        for event in plan.events:
            event.referral_id = event.referral.pk
        ReferralEvent.objects.bulk_create(plan.events, batch_size=1000)
        for follow_up in plan.follow_ups:
            follow_up.referral_id = follow_up.referral.pk
        FollowUp.objects.bulk_create(plan.follow_ups, batch_size=1000)
        touched = Beneficiary.objects.in_bulk(list(plan.activity))
        for pk, moment in plan.activity.items():
            touched[pk].last_activity_at = max(touched[pk].last_activity_at, moment)
        Beneficiary.objects.bulk_update(
            list(touched.values()), ["last_activity_at"], batch_size=500
        )
        created += len(plan.referrals)
    stdout.write(f"referrals: {created} demo referrals created")
