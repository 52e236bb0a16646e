"""The one module that changes a referral's status (DESIGN.md §3, referrals).

Each transition has one public function (``send``, ``accept``, ``refuse``, ``redirect``,
``cancel``, ``start``, ``close``); all go through ``_transition``, which locks the row, checks the
current status and the actor's right, writes the fields and the ``ReferralEvent``, marks the
person's file as active and queues the side effects after commit. A transition that is not (or no
longer) allowed raises ``TransitionNotAllowed`` (a page shows its message, the API answers 409);
missing or invalid fields raise ``django.core.exceptions.ValidationError`` with field errors.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.models import Beneficiary
from partners import audit
from partners.models import Organisation
from partners.roles import Cap, has_capability

from . import tasks
from .deadlines import answer_due_at
from .models import NotificationKind, Outcome, Referral, ReferralEvent, RefusalReason, Status

SENDER = "sender"  # the sending organisation (OFII)
RECEIVER = "receiver"  # the receiving organisation


class TransitionNotAllowed(Exception):
    """The referral is not (or no longer) in a state where this person may do this."""

    def __init__(self, message=None):
        self.message = message or _(
            "Cette action n'est pas possible sur cette orientation dans son état actuel : "
            "elle a peut-être été modifiée entre-temps. Rechargez la page."
        )
        super().__init__(self.message)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple
    target: str
    who: str
    label: str


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("send", (), Status.PENDING, SENDER, gettext_lazy("Envoyer l'orientation")),
        Transition(
            "accept", (Status.PENDING,), Status.ACCEPTED, RECEIVER, gettext_lazy("Accepter")
        ),
        Transition("refuse", (Status.PENDING,), Status.REFUSED, RECEIVER, gettext_lazy("Refuser")),
        Transition(
            "redirect",
            (Status.PENDING,),
            Status.REDIRECTED,
            RECEIVER,
            gettext_lazy("Réorienter vers un autre partenaire"),
        ),
        Transition("cancel", (Status.PENDING,), Status.CANCELLED, SENDER, gettext_lazy("Annuler")),
        Transition(
            "start",
            (Status.ACCEPTED,),
            Status.IN_PROGRESS,
            RECEIVER,
            gettext_lazy("Premier rendez-vous tenu"),
        ),
        Transition(
            "close",
            (Status.ACCEPTED, Status.IN_PROGRESS),
            Status.CLOSED,
            RECEIVER,
            gettext_lazy("Clôturer"),
        ),
    )
}
ACTIONS = [name for name in TRANSITIONS if name != "send"]


def may(actor, action, referral):
    """May ``actor`` make this kind of transition on this referral (whatever its status)?"""
    membership = getattr(actor, "active_membership", None)
    if membership is None:
        return False
    if TRANSITIONS[action].who == SENDER:
        return (
            has_capability(actor, Cap.REFERRAL_SEND)
            and membership.organisation_id == referral.from_organisation_id
        )
    return (
        has_capability(actor, Cap.REFERRAL_ANSWER)
        and membership.organisation_id == referral.to_organisation_id
    )


def allowed_actions(actor, referral):
    """The actions ``actor`` may take now, in the order of the table."""
    return [
        name
        for name in ACTIONS
        if referral.status in TRANSITIONS[name].sources and may(actor, name, referral)
    ]


def receiving_partners(department_id, exclude=()):
    """Organisations of a department that may receive a referral."""
    return (
        Organisation.objects.filter(department_id=department_id, receives_referrals=True)
        .exclude(pk__in=[pk for pk in exclude if pk])
        .order_by("name")
    )


# --- The one door -------------------------------------------------------------------------


def _transition(action, actor, referral, *, comment="", channel="web", write=None, effects=()):
    """Locks ``referral`` (an unsaved one for ``send``), checks, writes, logs, queues effects."""
    rule = TRANSITIONS[action]
    now = timezone.now()
    with transaction.atomic():
        if referral.pk is None:
            from_status = ""
            # Serialise sends for one person: the open-referral check below then holds.
            Beneficiary.objects.select_for_update().filter(pk=referral.beneficiary_id).first()
        else:
            referral = Referral.objects.select_for_update().get(pk=referral.pk)
            from_status = referral.status
            if from_status not in rule.sources:
                raise TransitionNotAllowed()
        if not may(actor, action, referral):
            raise TransitionNotAllowed(
                _("Votre organisation ne peut pas faire cette action sur cette orientation.")
            )
        if write is not None:
            write(referral, now)
        referral.status = rule.target
        referral.save()
        ReferralEvent.objects.create(
            referral=referral,
            from_status=from_status,
            to_status=rule.target,
            actor=actor,
            organisation=actor.active_membership.organisation,
            at=now,
            comment=comment,
        )
        # The retention job of the beneficiaries app reads this date.
        Beneficiary.objects.filter(pk=referral.beneficiary_id).update(last_activity_at=now)
        audit.record(
            actor,
            audit.Action.TRANSITION if from_status else audit.Action.CREATE,
            "referral",
            referral.pk,
            channel=channel,
            detail=f"{from_status or '-'}->{rule.target}",
        )
        for effect in effects:
            effect(referral)
    return referral


def _open_referral_error(beneficiary_id, to_organisation_id, exclude_pk=None):
    qs = Referral.objects.open().filter(
        beneficiary_id=beneficiary_id, to_organisation_id=to_organisation_id
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        return ValidationError(
            {
                "to_organisation": _(
                    "Une orientation vers ce partenaire est déjà en cours pour cette personne."
                )
            }
        )
    return None


def _check_partner(to_organisation, from_organisation_id, department_id, exclude=()):
    ok = (
        to_organisation is not None
        and to_organisation.receives_referrals
        and to_organisation.department_id == department_id
        and to_organisation.pk != from_organisation_id
        and to_organisation.pk not in exclude
    )
    if not ok:
        raise ValidationError(
            {
                "to_organisation": _(
                    "Choisissez un partenaire du département qui reçoit des orientations."
                )
            }
        )


def _save_new(referral):
    """Inserts a new referral; a concurrent open one becomes a field error, not a 500."""
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        raise ValidationError(
            {
                "to_organisation": _(
                    "Une orientation vers ce partenaire est déjà en cours pour cette personne."
                )
            }
        )


# --- The transitions ------------------------------------------------------------------------


def send(
    actor, *, beneficiary, to_organisation, reason, note="", service_offer=None, channel="web"
):
    """OFII orients a person to a partner: a new ``pending`` referral."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Indiquez le motif de l'orientation.")})
    membership = actor.active_membership
    if membership is None or not has_capability(actor, Cap.REFERRAL_SEND):
        raise TransitionNotAllowed(_("Seule l'OFII peut orienter une personne."))
    from_organisation = membership.organisation
    _check_partner(to_organisation, from_organisation.pk, from_organisation.department_id)
    if service_offer is not None and service_offer.organisation_id != to_organisation.pk:
        raise ValidationError({"service_offer": _("Cette offre n'est pas celle de ce partenaire.")})
    error = _open_referral_error(beneficiary.pk, to_organisation.pk)
    if error:
        raise error
    now = timezone.now()
    referral = Referral(
        beneficiary=beneficiary,
        from_organisation=from_organisation,
        to_organisation=to_organisation,
        service_offer=service_offer,
        sender=actor,
        reason=reason.strip(),
        note=note or "",
        sent_at=now,
        answer_due_at=answer_due_at(now),
    )

    def write(referral, now):
        referral.sent_at = now
        _save_new(referral)

    return _transition(
        "send",
        actor,
        referral,
        channel=channel,
        write=write,
        effects=[lambda r: tasks.notify_new_referral.delay_on_commit(r.pk)],
    )


def accept(actor, referral, *, appointment_at=None, comment="", channel="web"):
    def write(referral, now):
        referral.answered_at = now
        referral.appointment_at = appointment_at

    return _transition("accept", actor, referral, comment=comment, channel=channel, write=write)


def refuse(actor, referral, *, reason, comment="", channel="web"):
    comment = (comment or "").strip()
    if reason not in RefusalReason.values:
        raise ValidationError({"reason": _("Choisissez le motif du refus.")})
    if reason == RefusalReason.OTHER and not comment:
        raise ValidationError({"comment": _("Précisez le motif du refus dans le commentaire.")})

    def write(referral, now):
        referral.answered_at = now
        referral.refusal_reason = reason
        referral.refusal_comment = comment

    return _transition(
        "refuse",
        actor,
        referral,
        comment=comment,
        channel=channel,
        write=write,
        effects=[
            lambda r: tasks.notify_sender.delay_on_commit(r.pk, NotificationKind.REFUSED.value)
        ],
    )


def redirect(actor, referral, *, to_organisation, comment="", channel="web"):
    """The receiving partner passes the person on: this referral becomes ``redirected`` and a new
    ``pending`` one goes to the other partner (same sender, new deadline). Returns the new one."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Expliquez la réorientation au partenaire.")})
    created = {}

    def write(current, now):
        _check_partner(
            to_organisation,
            current.from_organisation_id,
            current.to_organisation.department_id,
            exclude=(current.to_organisation_id,),
        )
        error = _open_referral_error(current.beneficiary_id, to_organisation.pk)
        if error:
            raise error
        new = Referral(
            beneficiary_id=current.beneficiary_id,
            from_organisation_id=current.from_organisation_id,
            to_organisation=to_organisation,
            sender_id=current.sender_id,
            reason=current.reason,
            note=current.note,
            sent_at=now,
            answer_due_at=answer_due_at(now),
        )
        _save_new(new)
        ReferralEvent.objects.create(
            referral=new,
            from_status="",
            to_status=Status.PENDING,
            actor=actor,
            organisation=actor.active_membership.organisation,
            at=now,
            comment=comment,
        )
        current.answered_at = now
        current.redirected_to = new
        created["referral"] = new

    _transition(
        "redirect",
        actor,
        referral,
        comment=comment,
        channel=channel,
        write=write,
        effects=[
            lambda r: tasks.notify_sender.delay_on_commit(r.pk, NotificationKind.REDIRECTED.value),
            lambda r: tasks.notify_new_referral.delay_on_commit(created["referral"].pk),
        ],
    )
    return created["referral"]


def cancel(actor, referral, *, comment="", channel="web"):
    return _transition("cancel", actor, referral, comment=(comment or "").strip(), channel=channel)


def start(actor, referral, *, first_appointment_at=None, comment="", channel="web"):
    """The first appointment was held (now, unless a past time is given)."""
    if first_appointment_at is not None and first_appointment_at > timezone.now():
        raise ValidationError(
            {"first_appointment_at": _("Le premier rendez-vous ne peut pas être dans le futur.")}
        )

    def write(referral, now):
        referral.first_appointment_at = first_appointment_at or now

    return _transition("start", actor, referral, comment=comment, channel=channel, write=write)


def close(actor, referral, *, outcome, outcome_date, comment="", channel="web"):
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choisissez l'issue de l'accompagnement.")
    if outcome_date is None:
        errors["outcome_date"] = _("Indiquez la date de l'issue.")
    elif outcome_date > timezone.localdate():
        errors["outcome_date"] = _("La date de l'issue ne peut pas être dans le futur.")
    if errors:
        raise ValidationError(errors)

    def write(referral, now):
        referral.outcome = outcome
        referral.outcome_date = outcome_date
        referral.closed_at = now

    return _transition("close", actor, referral, comment=comment, channel=channel, write=write)


def assign(actor, referral_ids, counsellor):
    """Assigns referrals of the actor's organisation to one of its members (not a status change).
    Returns how many were assigned."""
    membership = actor.active_membership
    if membership is None or not has_capability(actor, Cap.REFERRAL_ANSWER):
        raise TransitionNotAllowed(_("Seul le partenaire destinataire peut attribuer."))
    if (
        counsellor is not None
        and not counsellor.memberships.filter(
            organisation_id=membership.organisation_id, is_active=True
        ).exists()
    ):
        raise ValidationError({"assigned_to": _("Choisissez un membre de votre organisation.")})
    with transaction.atomic():
        qs = Referral.objects.filter(
            pk__in=referral_ids, to_organisation_id=membership.organisation_id
        )
        ids = list(qs.values_list("pk", flat=True))
        count = Referral.objects.filter(pk__in=ids).update(assigned_to=counsellor)
        audit.record_many(actor, audit.Action.UPDATE, "referral", ids, detail="assigned_to")
    return count
