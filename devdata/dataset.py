"""The data set of the benchmarks: a department or the whole country, fictional, in bulk.

``generate(scale)`` fills the database with five years of activity: per department its six
signatories' organisations and their members, an agreement with its committees and meetings
(``devdata.bench.agreement_for``, through the real governance actions), files with their
interviews, referrals in every state with their event log and follow-ups, and the old files
anonymised as the retention job leaves them. The rows are written with ``bulk_create`` in
batches (the referral stories are told in their final state, consistent with the constraints of
``referrals.models``: the transitions themselves are exercised by the demo and the tests).

- ``department``: one department, "93", of ``DEPARTMENT_FILES`` files.
- ``national``: the same department "93" (the same rows: each department has its own seed)
  and 99 others sharing ``NATIONAL_FILES - DEPARTMENT_FILES`` files: what the benchmark measures
  in department 93 is the same work at both scales, only the rest of the country grows.

Fictional people only (generated names); deterministic (one seeded random per department).
"""

import datetime
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from beneficiaries.models import Beneficiary, Interview, InterviewKind, SpeDecision, name_key
from devdata import bench, builder, bulk
from partners.models import User
from referrals.models import FollowUp, Outcome, Referral, ReferralEvent, RefusalReason, Status

MEASURED = "93"
DEPARTMENT_FILES = 100_000
NATIONAL_FILES = 600_000
NATIONAL_DEPARTMENTS = 100
YEARS = 5
BATCH = 5_000
UNUSABLE = make_password(None)

SYLLABLES = "ba be bi bo da de di do fa fe ka ke ki ko la le li lo ma me mi mo na ne ni no ou " \
    "ra re ri ro sa se si so ta te ti to va ve vi za zo dia kou nba sso tra mba"  # fmt: skip
FIRST_NAMES = (
    "Aminata Fatou Mariam Awa Khadija Leïla Nadia Samira Yasmine Amina Inès Sara Olga Mei Lina "
    "Moussa Ibrahima Mamadou Youssef Karim Omar Ahmed Ali Hassan Bilal Samuel Daniel Ivan Wei "
    "Rahim Tenzin Abdoulaye Seydou Souleymane Aïcha Zineb Fatima Hawa Djeneba Rokia Mohamed"
).split()
NATIONALITIES = bench.NATIONALITIES
PERMITS = [kind for kind, weight in bench.PERMITS for _ in range(weight)]
# Final states of the referrals (before the story is cut by "now").
STORIES = (
    [Status.PENDING] * 5
    + [Status.UNDER_REVIEW] * 2
    + [Status.ACCEPTED] * 10
    + [Status.IN_PROGRESS] * 25
    + [Status.CLOSED] * 40
    + [Status.REFUSED] * 12
    + [Status.CANCELLED] * 3
    + [Status.REDIRECTED] * 4
)
TERMINAL = (Status.CLOSED, Status.REFUSED, Status.CANCELLED)
PARTNER_KEYS = ("france_travail", "mission_locale", "cap_emploi")


def department_codes(count=NATIONAL_DEPARTMENTS):
    """``count`` department codes, the measured one first."""
    codes = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B", "971", "972", "973"]
    codes += [f"9{n}" for n in range(74, 99)]
    codes.remove(MEASURED)
    return [MEASURED, *codes[: count - 1]]


def plan(scale, *, files=None, departments=None):
    """[(department code, number of files)] of a scale. ``files``: the measured department's
    size (default ``DEPARTMENT_FILES``); ``departments``: fewer departments for a reduced
    national run (the others keep their size: ``NATIONAL_FILES`` is then not reached)."""
    measured = files or DEPARTMENT_FILES
    if scale == "department":
        return [(MEASURED, measured)]
    others = department_codes(NATIONAL_DEPARTMENTS)[1:]
    rng = random.Random(2024)
    weights = [rng.uniform(0.3, 2.0) for _ in others]
    share = (NATIONAL_FILES - DEPARTMENT_FILES) * measured / DEPARTMENT_FILES
    sizes = [max(1, round(share * w / sum(weights))) for w in weights]
    rows = [(MEASURED, measured), *zip(others, sizes, strict=True)]
    return rows[: departments or NATIONAL_DEPARTMENTS]


@dataclass
class Counter:
    rows: dict = field(default_factory=dict)

    def add(self, name, count):
        self.rows[name] = self.rows.get(name, 0) + count

    @property
    def total(self):
        return sum(self.rows.values())


def generate(scale, *, files=None, departments=None, stdout=None, today=None):
    """Fills the database; returns the Counter of rows written."""
    counter = Counter()
    started = time.perf_counter()
    for code, size in plan(scale, files=files, departments=departments):
        with builder.without_notifications():
            Department(code, size, counter, today=today).fill()
        if stdout is not None:
            elapsed = time.perf_counter() - started
            stdout.write(
                f"  department {code}: {size} files — {counter.total} rows in {elapsed:.0f} s "
                f"({counter.total / max(elapsed, 1e-6):,.0f} rows/s)"
            )
    return counter


def _name(rng):
    return "".join(rng.choice(SYLLABLES.split()) for _ in range(rng.randint(2, 3))).upper()


class Department:
    """One department's people and activity."""

    def __init__(self, code, size, counter, *, today=None):
        self.code = code
        self.size = size
        self.counter = counter
        self.rng = random.Random(f"passerelle-{code}")
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        name = "Seine-Saint-Denis" if code == MEASURED else f"Département {code}"
        self.department = builder.department(code, name)
        self.orgs = builder.organisations(self.department)

    def members(self, key, count, label):
        org = self.orgs[key]
        made = [
            builder.member(
                org,
                f"{label}-{n}-{self.code}@bench.passerelle.test",
                password=UNUSABLE,
                first_name=label.capitalize(),
                last_name=f"{self.code}-{n}",
            )  # fmt: skip
            for n in range(1, count + 1)
        ]
        return made

    def fill(self):
        if Beneficiary.objects.filter(ofii_organisation=self.orgs["ofii"]).exists():
            return  # generated already
        self.auditors = self.members("ofii", 5, "auditeur")
        self.counsellors = {
            self.orgs[key].pk: self.members(key, 5, "conseiller") for key in PARTNER_KEYS
        }
        self.members("prefecture", 2, "coordination")
        self.members("partner", 2, "association")
        bench.agreement_for(self.department, self.orgs, self.today.year - 1)
        years = builder.recent_years(YEARS, self.today)
        per_year = self.size // YEARS
        for number, year in enumerate(years):
            count = per_year + (self.size % YEARS if number == len(years) - 1 else 0)
            for start in range(0, count, BATCH):
                with transaction.atomic():
                    self.batch(year, start, min(BATCH, count - start))

    # --- One batch of files and everything about them ----------------------------------------

    def batch(self, year, start, count):
        rng = self.rng
        last_day = min(datetime.date(year, 12, 31), self.today)
        span = (last_day - datetime.date(year, 1, 1)).days + 1
        old = datetime.date(year, 1, 1) < self.today - datetime.timedelta(days=2 * 365)
        people = []
        for index in range(start, start + count):
            signed = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(span))
            # The files of the oldest years: most of them anonymised by the retention job.
            anonymised = old and rng.random() < 0.85
            born = datetime.date(year - rng.randint(18, 55), rng.randint(1, 12), rng.randint(1, 28))
            people.append(
                Beneficiary(
                    ofii_number=(
                        f"ANON-{self.code}-{year}-{index:05d}"
                        if anonymised
                        else f"{self.code}-{year}-{index:05d}"
                    ),
                    last_name="" if anonymised else _name(rng),
                    first_name="" if anonymised else rng.choice(FIRST_NAMES),
                    sex=rng.choice("FM"),
                    birth_date=born.replace(month=1, day=1) if anonymised else born,
                    nationality=rng.choice(NATIONALITIES),
                    permit_kind=rng.choice(PERMITS),
                    first_permit_date=signed - datetime.timedelta(days=rng.randint(10, 300)),
                    cir_signed_on=signed,
                    commune="" if anonymised else self.department.name,
                    rqth=rng.random() < 0.04,
                    higher_education=rng.random() < 0.2,
                    french_level=rng.choice(["none", "A1", "A2", "B1"]),
                    ofii_organisation=self.orgs["ofii"],
                    created_at=builder.aware(signed, 9),
                    last_activity_at=builder.aware(signed, 9),
                    anonymised_at=self.now if anonymised else None,
                )
            )
        interviews, oriented = [], []
        for person in people:
            if rng.random() < 0.05:
                continue  # no interview yet
            decision = rng.choices(
                [SpeDecision.ORIENTED, SpeDecision.DISPENSED, SpeDecision.ALREADY_FOLLOWED,
                 SpeDecision.NOT_JOB_SEEKING],
                [73, 7, 10, 10],
            )[0]  # fmt: skip
            held = min(person.cir_signed_on + datetime.timedelta(days=rng.randint(0, 20)),
                       self.today)  # fmt: skip
            interviews.append(self.interview(person, InterviewKind.PERSONALISED, held, decision))
            if decision == SpeDecision.ORIENTED:
                oriented.append((person, held))
            end = person.cir_signed_on + datetime.timedelta(days=rng.randint(330, 400))
            if end < self.today and rng.random() < 0.3:
                interviews.append(self.interview(person, InterviewKind.END_OF_CIR, end, ""))
        stories = self.referrals(oriented)
        # Every row is built in memory first: each is written once, in bulk, in its final state.
        for person in people:
            person.search_key = name_key(person.last_name, person.first_name)
        bulk.insert(Beneficiary, people)
        self.counter.add("beneficiaries", len(people))
        bulk.insert(Interview, interviews)
        self.counter.add("interviews", len(interviews))
        self.write(stories)

    def interview(self, person, kind, held, decision):
        return Interview(
            beneficiary=person, kind=kind, held_on=held, auditor=self.rng.choice(self.auditors),
            organisation=self.orgs["ofii"], written_level="A1", oral_level="A1",
            prescribed_hours=self.rng.choice([0, 100, 200, 400, 600]), spe_decision=decision,
            created_at=builder.aware(held, 10),
        )  # fmt: skip

    # --- Referrals in their final state, with their events and follow-ups --------------------

    def referrals(self, oriented):
        rng = self.rng
        partners = [self.orgs[key] for key in PARTNER_KEYS]
        stories = []  # (referral, [events], [follow-ups], successor story or None)
        for person, held in oriented:
            sent = min(builder.aware(held, 11), self.now - datetime.timedelta(hours=2))
            partner = rng.choice(partners)
            wanted = rng.choice(STORIES)
            if person.anonymised_at and wanted not in (*TERMINAL, Status.REDIRECTED):
                wanted = Status.CLOSED
            story = self.story(person, partner, sent, wanted)
            if story[0].status == Status.REDIRECTED:
                other = rng.choice([p for p in partners if p != partner])
                final = Status.CLOSED if person.anonymised_at else rng.choice(STORIES[:-4])
                successor = self.story(person, other, story[0].answered_at, final, redirected=True)
                story = (*story[:3], successor)
            stories.append(story)
        return stories

    def write(self, stories):
        successors = [s[3] for s in stories if s[3] is not None]
        bulk.insert(Referral, [s[0] for s in successors])
        for story in stories:
            if story[3] is not None:
                story[0].redirected_to = story[3][0]
        bulk.insert(Referral, [s[0] for s in stories])
        events, follow_ups = [], []
        for referral, story_events, story_follow_ups, _successor in [*successors, *stories]:
            for event in story_events:
                event.referral = referral
                events.append(event)
            for follow_up in story_follow_ups:
                follow_up.referral = referral
                follow_ups.append(follow_up)
        bulk.insert(ReferralEvent, events)
        bulk.insert(FollowUp, follow_ups)
        self.counter.add("referrals", len(stories) + len(successors))
        self.counter.add("referral_events", len(events))
        self.counter.add("follow_ups", len(follow_ups))

    def story(self, person, partner, sent, wanted, *, redirected=False):
        """(referral, events, follow-ups, None): the referral taken towards ``wanted`` as far as
        "now" allows."""
        rng = self.rng
        ofii = self.orgs["ofii"]
        sender = rng.choice(self.auditors)
        counsellor = rng.choice(self.counsellors[partner.pk])
        referral = Referral(
            beneficiary=person, from_organisation=ofii, to_organisation=partner, sender=sender,
            reason="Recherche d'emploi", status=Status.PENDING, sent_at=sent,
            answer_due_at=sent + datetime.timedelta(days=10),
        )  # fmt: skip
        first_event = ReferralEvent(
            from_status="", to_status=Status.PENDING, at=sent,
            actor=counsellor if redirected else sender, organisation=partner if redirected else ofii,
        )  # fmt: skip
        events, follow_ups = [first_event], []
        answered = sent + datetime.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 6))
        story = self._told(referral, events, follow_ups, wanted, answered, sender, counsellor)
        person.last_activity_at = max(person.last_activity_at, *(e.at for e in events))
        return story

    def _told(self, referral, events, follow_ups, wanted, answered, sender, counsellor):
        rng, now = self.rng, self.now
        ofii, partner = referral.from_organisation, referral.to_organisation

        def step(status, at, actor, organisation):
            events.append(
                ReferralEvent(from_status=referral.status, to_status=status, at=at, actor=actor,
                              organisation=organisation)
            )  # fmt: skip
            referral.status = status

        if wanted == Status.PENDING or answered > now:
            return referral, events, follow_ups, None
        if wanted == Status.UNDER_REVIEW:
            # Being examined ("à l'étude"): not an answer, the deadline still runs.
            step(Status.UNDER_REVIEW, answered, counsellor, partner)
            return referral, events, follow_ups, None
        if wanted == Status.CANCELLED:
            step(Status.CANCELLED, answered, sender, ofii)
            return referral, events, follow_ups, None
        referral.answered_at = answered
        if wanted in (Status.REFUSED, Status.REDIRECTED):
            if wanted == Status.REFUSED:
                referral.refusal_reason = rng.choice(
                    [RefusalReason.NOT_ELIGIBLE, RefusalReason.UNREACHABLE, RefusalReason.DECLINED]
                )
            step(wanted, answered, counsellor, partner)
            return referral, events, follow_ups, None
        referral.assigned_to = counsellor
        referral.appointment_at = answered + datetime.timedelta(days=rng.randint(2, 30))
        step(Status.ACCEPTED, answered, counsellor, partner)
        first = referral.appointment_at
        if wanted == Status.ACCEPTED or first > now:
            return referral, events, follow_ups, None
        referral.first_appointment_at = first
        step(Status.IN_PROGRESS, first, counsellor, partner)
        follow_ups.append(self.follow_up(FollowUp.Kind.DIAGNOSTIC, first, counsellor, partner))
        closed = first + datetime.timedelta(days=rng.randint(60, 240))
        if wanted == Status.IN_PROGRESS or closed > now:
            return referral, events, follow_ups, None
        if rng.random() < 0.5:
            middle = first + (closed - first) / 2
            follow_ups.append(
                self.follow_up(FollowUp.Kind.ACCOMPANIMENT, middle, counsellor, partner)
            )
        referral.closed_at = closed
        referral.outcome = rng.choice(Outcome.values)
        referral.outcome_date = timezone.localdate(closed)
        step(Status.CLOSED, closed, counsellor, partner)
        return referral, events, follow_ups, None

    def follow_up(self, kind, at, author, organisation):
        return FollowUp(
            kind=kind, happened_on=timezone.localdate(at), author=author,
            organisation=organisation, created_at=at,
            accompaniment=FollowUp.Accompaniment.PPAE if kind == FollowUp.Kind.ACCOMPANIMENT else "",
        )  # fmt: skip


def users_of(code):
    """The generated members of a department, by role label (for the benchmark's requests)."""
    found = {}
    for user in User.objects.filter(email__endswith=f"-{code}@bench.passerelle.test"):
        found.setdefault(user.email.split("-")[0], []).append(user)
    return found
