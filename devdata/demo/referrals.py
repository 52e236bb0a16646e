"""Demo data of the referrals app: orientations of the demo beneficiaries who have an ``oriented``
personalised interview, in every state, with their events, follow-ups and outcomes.

Deterministic (seeded per file), idempotent (a person who already has a referral is skipped).
Every referral is sent and answered through the real transitions (``devdata.builder.Referrals``);
timings look real: answers in 1 to 20 days, some overdue now.
"""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db.models import Max
from django.utils import timezone

from beneficiaries.models import Beneficiary, Interview, InterviewKind, SpeDecision
from devdata import builder
from partners.models import Membership, Organisation, OrganisationKind
from referrals.models import FollowUp, Outcome, RefusalReason

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


def follow_up(rows, referral, kind, day, author, accompaniment="", comment=""):
    """A follow-up note (a plain row, bulk-created at the end)."""
    rows.append(
        FollowUp(
            referral_id=referral.pk,
            kind=kind,
            accompaniment=accompaniment,
            happened_on=day,
            comment=comment,
            author=author,
            organisation_id=referral.to_organisation_id,
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


def build(story, rows, person, held_on, partners, now, rng):
    """Tells one person's referral (and the one it was redirected to, if any)."""
    today = timezone.localdate(now)
    sent_day = min(held_on + timedelta(days=rng.randint(0, 2)), today)
    sent = min(at(sent_day, rng), now - timedelta(hours=1))
    target = target_for(person, held_on, partners, rng)
    referral = story.send(person, target, sent, reason=rng.choice(REASONS), note=rng.choice(NOTES))
    answer(story, rows, referral, sent, partners, now, rng)


def answer(story, rows, referral, sent, partners, now, rng, depth=0):
    counsellor = story.counsellors[referral.to_organisation_id]
    answered = sent + timedelta(days=answer_delay(rng), hours=rng.randint(0, 5))
    roll = rng.random()
    recent = sent > now - timedelta(days=60)
    if answered > now or roll < 0.02 or (recent and rng.random() < 0.4):
        # Not answered yet: pending, overdue once its deadline has passed (some are); old
        # unanswered ones were cancelled by OFII.
        if sent < now - timedelta(days=60):
            cancelled = sent + timedelta(days=rng.randint(25, 40))
            story.cancel(
                referral,
                cancelled,
                comment="Personne partie du territoire, orientation sans objet.",
            )
        return
    if roll < 0.14:
        reason = pick(rng, REFUSAL_WEIGHTS)
        comment = (
            "Personne en formation longue jusqu'à l'été." if reason == RefusalReason.OTHER else ""
        )
        story.refuse(referral, answered, reason=reason, comment=comment)
        return
    others = [org for org in partners.values() if org.pk != referral.to_organisation_id]
    if roll < 0.20 and depth == 0 and others:
        new = story.redirect(
            referral,
            answered,
            to_organisation=rng.choice(others),
            comment="Profil plus adapté à l'offre de ce partenaire.",
        )
        answer(story, rows, new, answered, partners, now, rng, depth=1)
        return
    # Accepted, with an appointment a few days later.
    appointment = at(timezone.localdate(answered) + timedelta(days=rng.randint(3, 15)), rng)
    if appointment <= now and rng.random() < 0.12:
        # A missed first appointment, then another one a week or two later.
        follow_up(rows, referral, FollowUp.Kind.NO_SHOW, appointment.date(), counsellor)
        appointment = at(appointment.date() + timedelta(days=rng.randint(7, 14)), rng)
        if appointment > now or rng.random() < 0.3:
            story.accept(referral, answered, appointment_at=appointment)
            return
    referral = story.accept(referral, answered, appointment_at=appointment)
    if appointment > now:
        return
    referral = story.start(referral, appointment)
    first_day = timezone.localdate(appointment)
    follow_up(rows, referral, FollowUp.Kind.DIAGNOSTIC, first_day, counsellor)
    accompaniment_day = first_day + timedelta(days=rng.randint(7, 21))
    if accompaniment_day < timezone.localdate(now):
        kind = partners_kind(partners, referral.to_organisation_id)
        follow_up(
            rows,
            referral,
            FollowUp.Kind.ACCOMPANIMENT,
            accompaniment_day,
            counsellor,
            accompaniment=ACCOMPANIMENT_BY_KIND.get(kind, FollowUp.Accompaniment.OTHER),
        )
    outcome_day = first_day + timedelta(days=rng.randint(45, 330))
    closed = at(outcome_day + timedelta(days=rng.randint(0, 10)), rng)
    if closed > now or rng.random() < 0.25:
        return
    outcome = pick(rng, OUTCOME_WEIGHTS)
    story.close(referral, closed, outcome=outcome, outcome_date=outcome_day)
    kind = FOLLOW_UP_BY_OUTCOME.get(outcome)
    if kind:
        follow_up(rows, referral, kind, outcome_day, counsellor)


def partners_kind(partners, organisation_id):
    return next((kind for kind, org in partners.items() if org.pk == organisation_id), None)


def load(password, stdout):
    """Through the real transitions (referrals.states), then backdated (``builder.Backdating``);
    the e-mails the transitions queue are dropped (``builder.without_notifications``)."""
    now = timezone.now()
    created = 0
    with builder.without_notifications():
        for ofii in Organisation.objects.filter(kind=OrganisationKind.OFII).order_by("pk"):
            created += load_department(ofii, now)
    stdout.write(f"referrals: {created} demo referrals created")


def load_department(ofii, now):
    sender_membership = (
        Membership.objects.filter(organisation=ofii, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if sender_membership is None:
        return 0
    receivers = Organisation.objects.filter(
        department_id=ofii.department_id, receives_referrals=True
    ).order_by("pk")
    partners = {}
    for org in receivers:
        partners.setdefault(org.kind, org)
    if not partners:
        return 0
    counsellors = {
        m.organisation_id: m.user
        for m in Membership.objects.filter(organisation__in=receivers, is_active=True)
        .select_related("user")
        .order_by("-pk")
    }
    for org in receivers:
        if org.pk not in counsellors:
            # A partner without a demo account still answers: a counsellor who cannot sign in.
            counsellors[org.pk] = builder.member(
                org, f"conseil-{org.pk}@demo.passerelle.test", password=make_password(None)
            )
    # The latest personalised interview of each person who has no referral yet.
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
    story = builder.Referrals(sender_membership.user, counsellors)
    rows = []
    created = 0
    for person in people:
        rng = random.Random(f"passerelle-referral-{person.ofii_number}")  # noqa: S311
        if rng.random() > SHARE:
            continue
        before = len(story.dates.fields)
        build(story, rows, person, held[person.pk], partners, now, rng)
        created += len(story.dates.fields) - before
    story.finish()
    FollowUp.objects.bulk_create(rows, batch_size=1000)
    if created:
        conversations(sender_membership.user, counsellors, receivers)
    return created


# A fictional attestation: the smallest PDF a content check recognises.
DEMO_PDF = b"%PDF-1.4\n% Attestation fictive de niveau de francais (demo)\n%%EOF\n"
QUESTIONS = [
    "Bonjour, la personne nous demande si le rendez-vous peut avoir lieu l'après-midi.",
    "Bonjour, pouvez-vous nous confirmer la date du premier rendez-vous ?",
]
ANSWERS = [
    "Bonjour, oui : nous lui proposons un créneau à 14 h, la convocation part aujourd'hui.",
    "Bonjour, le rendez-vous est confirmé ; nous vous tiendrons informés.",
]


def conversations(sender, counsellors, receivers):
    """After the stories: a few pending referrals under review, a few threads (the sender asks,
    the partner answers; one left unread) and one document — through the real actions."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from referrals import actions, messaging
    from referrals.models import Document, Referral, Status

    referrals = Referral.objects.filter(from_organisation=sender.organisation)
    # Each partner's demo counsellor follows two in three of its accepted people ("Mes
    # accompagnements"); the others stay with the organisation, unassigned.
    for organisation_id, counsellor in counsellors.items():
        unassigned = referrals.filter(
            to_organisation_id=organisation_id,
            status__in=(Status.ACCEPTED, Status.IN_PROGRESS),
            assigned_to__isnull=True,
        ).order_by("pk")
        mine = [pk for i, pk in enumerate(unassigned.values_list("pk", flat=True)) if i % 3 != 2]
        if mine:
            actions.assign(counsellor, mine, counsellor)
    for referral in referrals.filter(status=Status.PENDING).order_by("pk")[:3]:
        actions.review(counsellors[referral.to_organisation_id], referral)
    followed = list(
        referrals.filter(status__in=(Status.ACCEPTED, Status.IN_PROGRESS)).order_by("-pk")[:4]
    )
    for i, referral in enumerate(followed):
        counsellor = counsellors[referral.to_organisation_id]
        messaging.post_message(sender, referral, text=QUESTIONS[i % 2])
        if i == 0:
            messaging.post_message(
                counsellor,
                referral,
                text="Voici l'attestation de niveau de français remise par la personne.",
                upload=SimpleUploadedFile(
                    "attestation-francais.pdf", DEMO_PDF, content_type="application/pdf"
                ),
                kind=Document.Kind.FRENCH_CERTIFICATE,
            )
        elif i < 3:
            messaging.post_message(counsellor, referral, text=ANSWERS[i % 2])
            messaging.mark_read(sender, referral)
        # The last one stays unanswered and unread by the partner.
