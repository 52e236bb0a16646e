"""The one builder of development data: used by ``load_demo``, ``bench_bilan`` and the tests.

Plain rows (departments, organisations, files, interviews, follow-ups) are bulk-created; every
state change goes through the real actions (referrals, meetings), as a person would make it.
The actions stamp "now": the builder then moves the date columns (never a status) back to the
moment the story says, with one bulk update per table (see ``Backdating``).

Dates follow today (``timezone.localdate()`` at load time): the data always shows the current
year and the previous ones coherently.
"""

import contextlib
import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from beneficiaries.models import Beneficiary
from effects import outbox
from governance import actions as governance_actions
from governance.models import Committee, FollowUpItem, Meeting, Signatory
from partners.models import AuditEntry, Department, Membership, Organisation, OrganisationKind, User
from referrals import actions as referral_actions
from referrals.deadlines import answer_due_at
from referrals.models import Referral, ReferralEvent

RECEIVING_KINDS = {
    OrganisationKind.FRANCE_TRAVAIL,
    OrganisationKind.MISSION_LOCALE,
    OrganisationKind.CAP_EMPLOI,
}


def aware(day, hour=10, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def recent_years(count, today=None):
    """The ``count`` years that end with the current one, oldest first."""
    year = (today or timezone.localdate()).year
    return tuple(range(year - count + 1, year + 1))


# --- Partners -------------------------------------------------------------------------------


def department(code, name):
    return Department.objects.get_or_create(code=code, defaults={"name": name})[0]


def organisations(department):
    """The signatories' organisations of a department (created when missing), by key."""
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
            defaults={"kind": kind, "receives_referrals": kind in RECEIVING_KINDS},
        )
    return result


def member(organisation, email, *, password, first_name="Agent", last_name="", is_admin=False):
    """The person of ``email``, active member of ``organisation`` (both created when missing).
    ``password`` is a hash (``make_password``): hashing once per load keeps the builder fast."""
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name}
    )
    if created:
        user.password = password
        user.save(update_fields=["password"])
    if not user.memberships.filter(is_active=True).exists():
        Membership.objects.create(user=user, organisation=organisation, is_admin=is_admin)
    return user


# --- Side effects ---------------------------------------------------------------------------


@contextlib.contextmanager
def without_notifications():
    """One transaction whose side effects (the e-mails and webhooks the actions queue) are
    dropped, neither sent now nor recorded for the relay: a story told after the fact is not news
    to anyone."""
    with transaction.atomic(), outbox.muted():
        connection = transaction.get_connection()
        before = len(connection.run_on_commit)
        yield
        del connection.run_on_commit[before:]


# --- Referrals: driven through referrals.states, then backdated -------------------------------


class Backdating:
    """The moments of a story, applied after the actions ran: the actions stamp "now", and the
    date columns only (sent_at, answer_due_at, answered_at, closed_at; the events', the audit
    rows' and the files' last activity) are moved back with bulk updates."""

    def __init__(self):
        self.fields = defaultdict(dict)  # referral pk -> {field: value}
        self.events = defaultdict(list)  # referral pk -> event moments, in order
        self.audits = defaultdict(list)  # referral pk -> audit moments, in order
        self.activity = {}  # beneficiary pk -> latest moment

    def step(self, referral, when, *, audited=True, **fields):
        self.fields[referral.pk].update(fields)
        self.events[referral.pk].append(when)
        if audited:
            self.audits[referral.pk].append(when)
        key = referral.beneficiary_id
        self.activity[key] = max(self.activity.get(key, when), when)

    def apply(self):
        set_columns(Referral, self.fields.items())
        seen = defaultdict(int)
        events = []
        for pk, referral_id in (
            ReferralEvent.objects.filter(referral_id__in=list(self.events))
            .order_by("pk")
            .values_list("pk", "referral_id")
        ):
            events.append((pk, {"at": self.events[referral_id][seen[referral_id]]}))
            seen[referral_id] += 1
        set_columns(ReferralEvent, events)
        seen = defaultdict(int)
        audits = []
        for pk, object_id in (
            AuditEntry.objects.filter(
                object_type="referral", object_id__in=[str(pk) for pk in self.audits]
            )
            .order_by("pk")
            .values_list("pk", "object_id")
        ):
            moments = self.audits[int(object_id)]
            if seen[object_id] < len(moments):
                audits.append((pk, {"at": moments[seen[object_id]]}))
            seen[object_id] += 1
        set_columns(AuditEntry, audits)
        latest = dict(
            Beneficiary.objects.filter(pk__in=list(self.activity)).values_list(
                "pk", "last_activity_at"
            )
        )
        set_columns(
            Beneficiary,
            [
                (pk, {"last_activity_at": max(latest[pk] or moment, moment)})
                for pk, moment in self.activity.items()
            ],
        )


def set_columns(model, rows):
    """``rows``: (pk, {field name: value}). One ``UPDATE … WHERE pk = %s`` per set of fields, run
    with ``executemany``: ``bulk_update``'s CASE expressions take seconds for a few thousand rows.
    Only ever given date columns (the builder's backdating), never a status."""
    groups = defaultdict(list)
    for pk, values in rows:
        groups[tuple(sorted(values))].append((pk, values))
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    for names, members in groups.items():
        fields = [model._meta.get_field(name) for name in names]
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        sql = (
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608 (names from _meta)
            f"WHERE {quote(model._meta.pk.column)} = %s"
        )
        params = [
            [field.get_db_prep_value(values[field.name], connection) for field in fields] + [pk]
            for pk, values in members
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


class Referrals:
    """Tells referral stories through the real transitions. ``sender``: an OFII member;
    ``counsellors``: {organisation pk: a member of the receiving partner}."""

    def __init__(self, sender, counsellors):
        self.sender = sender
        self.counsellors = counsellors
        self.dates = Backdating()
        self.department_code = sender.organisation.department.code

    def send(self, person, to_organisation, when, *, reason, note=""):
        referral = referral_actions.send(
            self.sender, beneficiary=person, to_organisation=to_organisation, reason=reason,
            note=note,
        )  # fmt: skip
        self.dates.step(referral, when, sent_at=when, answer_due_at=self.due(referral, when))
        # The sending moment now: the later actions check their dates against it.
        Referral.objects.filter(pk=referral.pk).update(sent_at=when)
        return referral

    def due(self, referral, when):
        """The answer deadline the referral would have had, sent at ``when`` (the department's
        calendar)."""
        return answer_due_at(when, department=self.department_code)

    def accept(self, referral, when, *, appointment_at):
        actor = self.counsellors[referral.to_organisation_id]
        referral = referral_actions.accept(actor, referral, appointment_at=appointment_at)
        self.dates.step(referral, when, answered_at=when)
        return referral

    def refuse(self, referral, when, *, reason, comment=""):
        actor = self.counsellors[referral.to_organisation_id]
        referral = referral_actions.refuse(actor, referral, reason=reason, comment=comment)
        self.dates.step(referral, when, answered_at=when)
        return referral

    def redirect(self, referral, when, *, to_organisation, comment):
        actor = self.counsellors[referral.to_organisation_id]
        new = referral_actions.redirect(
            actor, referral, to_organisation=to_organisation, comment=comment
        )
        self.dates.step(referral, when, answered_at=when)
        # The new referral's "sent" event is written by the redirect, without an audit row.
        self.dates.step(new, when, audited=False, sent_at=when, answer_due_at=self.due(new, when))
        Referral.objects.filter(pk=new.pk).update(sent_at=when)
        return new

    def cancel(self, referral, when, *, comment=""):
        referral = referral_actions.cancel(self.sender, referral, comment=comment)
        self.dates.step(referral, when)
        return referral

    def start(self, referral, when):
        """The first appointment, held at ``when`` (the action takes that moment itself)."""
        actor = self.counsellors[referral.to_organisation_id]
        referral = referral_actions.start(actor, referral, first_appointment_at=when)
        self.dates.step(referral, when)
        return referral

    def close(self, referral, when, *, outcome, outcome_date):
        actor = self.counsellors[referral.to_organisation_id]
        referral = referral_actions.close(
            actor, referral, outcome=outcome, outcome_date=outcome_date
        )
        self.dates.step(referral, when, closed_at=when)
        return referral

    def finish(self):
        """Moves the date columns back to the stories' moments."""
        self.dates.apply()


# --- Governance: meetings held through governance.actions --------------------------------------


def meeting(committee, day, *, place, agenda="", hour=14):
    """A planned meeting (scheduling is a plain row; holding it is an action)."""
    return Meeting.objects.create(
        committee=committee, date=aware(day, hour), place=place, agenda=agenda
    )


def hold(user, meeting, *, minutes="", presences=None, decisions=(), follow_ups=()):
    """Holds ``meeting`` through the actions: minutes, attendance, decisions and follow-up items
    (``follow_ups``: dicts of add_follow_up's arguments, ``decision`` an index in ``decisions``,
    ``status`` the item's state set afterwards)."""
    governance_actions.hold_meeting(user, meeting.pk, minutes=minutes)
    if presences:
        governance_actions.record_attendance(user, meeting.pk, presences)
    made = [governance_actions.add_decision(user, meeting.pk, text) for text in decisions]
    for item in follow_ups:
        item = dict(item)
        status = item.pop("status", FollowUpItem.Status.OPEN)
        index = item.pop("decision", None)
        created = governance_actions.add_follow_up(
            user, meeting.pk, decision=made[index] if index is not None else None, **item
        )
        if status != created.status:
            governance_actions.set_follow_up_status(user, created.pk, status)
    return made


def signatories(agreement, orgs, people):
    """The agreement's signatories: ``people`` as (organisation key in ``orgs``, name, title);
    a key without its organisation is skipped. They signed on the agreement's date."""
    Signatory.objects.bulk_create(
        Signatory(
            agreement=agreement,
            organisation=orgs[key],
            representative=name,
            representative_title=title,
            signed_on=agreement.signed_on,
        )
        for key, name, title in people
        if orgs.get(key)
    )


def committees(agreement, chairs=None):
    """The agreement's COPIL and comité technique, with their chairs."""
    governance_actions.ensure_committees(agreement)
    found = {c.kind: c for c in agreement.committees.all()}
    for kind, chair in (chairs or {}).items():
        Committee.objects.filter(pk=found[kind].pk).update(chair=chair)
        found[kind].chair = chair
    return found
