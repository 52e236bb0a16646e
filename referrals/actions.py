"""Every change to a referral, one function each (DESIGN.md §3, referrals; HOUSE.md).

Pages, the API, tasks and commands call these; none writes a status itself. Each transition
(``send``, ``accept``, ``refuse``, ``redirect``, ``cancel``, ``start``, ``close``) reads straight
down: lock the row, check it against the rules of ``referrals.states``, write the fields, log the
``ReferralEvent`` and the audit row, mark the person's file as active, and queue the e-mails for
after the commit. A transition that is not (or no longer) allowed raises
``states.TransitionNotAllowed``; missing or invalid fields raise Django's ``ValidationError``
with field errors.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.actions import touch
from beneficiaries.models import Beneficiary
from effects.outbox import enqueue
from partners import audit
from partners.roles import Cap, has_capability

from . import tasks
from .deadlines import answer_due_at
from .models import (
    FollowUp,
    NotificationKind,
    NotificationOptOut,
    Outcome,
    Referral,
    ReferralEvent,
    RefusalReason,
    Status,
)
from .states import TRANSITIONS, TransitionNotAllowed, may, may_follow_up


class AlreadyOpen(ValidationError):
    """A referral of this person to this partner is already open (a field error on a page,
    a conflict in the API)."""

    def __init__(self):
        super().__init__(
            {
                "to_organisation": _(
                    "Une orientation vers ce partenaire est déjà en cours pour cette personne."
                )
            }
        )


def _not_allowed():
    return TransitionNotAllowed(
        _("Votre organisation ne peut pas faire cette action sur cette orientation.")
    )


def _lock(actor, referral, action):
    """The referral's row, locked, after checking ``action`` is allowed from its status."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in TRANSITIONS[action].sources:
        raise TransitionNotAllowed()
    if not may(actor, action, referral):
        raise _not_allowed()
    return referral


def _log(actor, referral, from_status, now, *, comment, channel):
    """The event, the file's activity date (read by retention) and the audit row."""
    ReferralEvent.objects.create(
        referral=referral,
        from_status=from_status,
        to_status=referral.status,
        actor=actor,
        organisation=actor.active_membership.organisation,
        at=now,
        comment=comment,
    )
    touch(referral.beneficiary_id, now)
    audit.record(
        actor,
        audit.Action.TRANSITION if from_status else audit.Action.CREATE,
        "referral",
        referral.pk,
        channel=channel,
        detail=f"{from_status or '-'}->{referral.status}",
    )


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


def _check_none_open(beneficiary_id, to_organisation_id):
    if (
        Referral.objects.open()
        .filter(beneficiary_id=beneficiary_id, to_organisation_id=to_organisation_id)
        .exists()
    ):
        raise AlreadyOpen()


def _insert(referral):
    """Inserts a new referral; a concurrent open one becomes a field error, not a 500."""
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        raise AlreadyOpen()


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
    now = timezone.now()
    with transaction.atomic():
        # Serialise sends for one person: the open-referral check below then holds.
        Beneficiary.objects.select_for_update().filter(pk=beneficiary.pk).first()
        _check_none_open(beneficiary.pk, to_organisation.pk)
        referral = Referral(
            beneficiary=beneficiary,
            from_organisation=from_organisation,
            to_organisation=to_organisation,
            service_offer=service_offer,
            sender=actor,
            reason=reason.strip(),
            note=note or "",
            status=TRANSITIONS["send"].target,
            sent_at=now,
            answer_due_at=answer_due_at(now, department=from_organisation.department.code),
        )
        if not may(actor, "send", referral):
            raise _not_allowed()
        _insert(referral)
        _log(actor, referral, "", now, comment="", channel=channel)
        enqueue(tasks.notify_new_referral, [referral.pk], key=f"referral-{referral.pk}-new")
    return referral


def accept(actor, referral, *, appointment_at=None, comment="", channel="web"):
    now = timezone.now()
    with transaction.atomic():
        referral = _lock(actor, referral, "accept")
        from_status = referral.status
        referral.status = Status.ACCEPTED
        referral.answered_at = now
        referral.appointment_at = appointment_at
        referral.save()
        _log(actor, referral, from_status, now, comment=comment, channel=channel)
    return referral


def refuse(actor, referral, *, reason, comment="", channel="web"):
    comment = (comment or "").strip()
    if reason not in RefusalReason.values:
        raise ValidationError({"reason": _("Choisissez le motif du refus.")})
    if reason == RefusalReason.OTHER and not comment:
        raise ValidationError({"comment": _("Précisez le motif du refus dans le commentaire.")})
    now = timezone.now()
    with transaction.atomic():
        referral = _lock(actor, referral, "refuse")
        from_status = referral.status
        referral.status = Status.REFUSED
        referral.answered_at = now
        referral.refusal_reason = reason
        referral.refusal_comment = comment
        referral.save()
        _log(actor, referral, from_status, now, comment=comment, channel=channel)
        enqueue(
            tasks.notify_sender,
            [referral.pk, NotificationKind.REFUSED.value],
            key=f"referral-{referral.pk}-refused",
        )
    return referral


def redirect(actor, referral, *, to_organisation, comment="", channel="web"):
    """The receiving partner passes the person on: this referral becomes ``redirected`` and a new
    ``pending`` one goes to the other partner (same sender, new deadline). Returns the new one."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Expliquez la réorientation au partenaire.")})
    now = timezone.now()
    with transaction.atomic():
        current = _lock(actor, referral, "redirect")
        department = current.to_organisation.department
        _check_partner(
            to_organisation,
            current.from_organisation_id,
            department.pk,
            exclude=(current.to_organisation_id,),
        )
        _check_none_open(current.beneficiary_id, to_organisation.pk)
        new = Referral(
            beneficiary_id=current.beneficiary_id,
            from_organisation_id=current.from_organisation_id,
            to_organisation=to_organisation,
            sender_id=current.sender_id,
            reason=current.reason,
            note=current.note,
            status=Status.PENDING,
            sent_at=now,
            answer_due_at=answer_due_at(now, department=department.code),
        )
        _insert(new)
        ReferralEvent.objects.create(
            referral=new,
            from_status="",
            to_status=Status.PENDING,
            actor=actor,
            organisation=actor.active_membership.organisation,
            at=now,
            comment=comment,
        )
        from_status = current.status
        current.status = Status.REDIRECTED
        current.answered_at = now
        current.redirected_to = new
        current.save()
        _log(actor, current, from_status, now, comment=comment, channel=channel)
        enqueue(
            tasks.notify_sender,
            [current.pk, NotificationKind.REDIRECTED.value],
            key=f"referral-{current.pk}-redirected",
        )
        enqueue(tasks.notify_new_referral, [new.pk], key=f"referral-{new.pk}-new")
    return new


def cancel(actor, referral, *, comment="", channel="web"):
    now = timezone.now()
    with transaction.atomic():
        referral = _lock(actor, referral, "cancel")
        from_status = referral.status
        referral.status = Status.CANCELLED
        referral.save()
        _log(actor, referral, from_status, now, comment=(comment or "").strip(), channel=channel)
    return referral


def start(actor, referral, *, first_appointment_at=None, comment="", channel="web"):
    """The first appointment was held (now, unless a past time is given)."""
    if first_appointment_at is not None and first_appointment_at > timezone.now():
        raise ValidationError(
            {"first_appointment_at": _("Le premier rendez-vous ne peut pas être dans le futur.")}
        )
    now = timezone.now()
    with transaction.atomic():
        referral = _lock(actor, referral, "start")
        from_status = referral.status
        referral.status = Status.IN_PROGRESS
        referral.first_appointment_at = first_appointment_at or now
        referral.save()
        _log(actor, referral, from_status, now, comment=comment, channel=channel)
    return referral


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
    now = timezone.now()
    with transaction.atomic():
        referral = _lock(actor, referral, "close")
        from_status = referral.status
        referral.status = Status.CLOSED
        referral.outcome = outcome
        referral.outcome_date = outcome_date
        referral.closed_at = now
        referral.save()
        _log(actor, referral, from_status, now, comment=comment, channel=channel)
    return referral


# --- Not status changes -----------------------------------------------------------------------


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
        ids = list(
            Referral.objects.select_for_update()
            .filter(pk__in=referral_ids, to_organisation_id=membership.organisation_id)
            .values_list("pk", flat=True)
        )
        count = Referral.objects.filter(pk__in=ids).update(assigned_to=counsellor)
        audit.record_many(actor, audit.Action.UPDATE, "referral", ids, detail="assigned_to")
    return count


def add_follow_up(
    actor, referral, *, kind, happened_on, accompaniment="", comment="", channel="web"
):
    """The receiving partner records a step of the person's path (an accepted referral)."""
    if kind == FollowUp.Kind.ACCOMPANIMENT and not accompaniment:
        raise ValidationError({"accompaniment": _("Précisez le type d'accompagnement.")})
    if kind != FollowUp.Kind.ACCOMPANIMENT:
        accompaniment = ""
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if not may_follow_up(actor, referral):
            raise TransitionNotAllowed(_("Un suivi s'ajoute à une orientation acceptée."))
        follow_up = FollowUp.objects.create(
            referral=referral,
            kind=kind,
            accompaniment=accompaniment,
            happened_on=happened_on,
            comment=comment or "",
            author=actor,
            organisation=actor.active_membership.organisation,
            created_at=now,
        )
        touch(referral.beneficiary_id, now)
        audit.record(
            actor, audit.Action.UPDATE, "referral", referral.pk, channel=channel, detail="follow_up"
        )
    return follow_up


# Which e-mails a person may choose to receive, by side of the referral.
SENDER_NOTIFICATIONS = (NotificationKind.REFUSED, NotificationKind.REDIRECTED)
RECEIVER_NOTIFICATIONS = (NotificationKind.NEW_REFERRAL, NotificationKind.REMINDER)


def notification_kinds(user):
    """The kinds of e-mail ``user`` may opt out of (those of their side of a referral)."""
    if has_capability(user, Cap.REFERRAL_ANSWER):
        return RECEIVER_NOTIFICATIONS
    return SENDER_NOTIFICATIONS


def set_notification_preferences(user, wanted):
    """``user`` receives the kinds in ``wanted`` (codes) and opts out of their side's others."""
    wanted = {str(kind) for kind in wanted}
    with transaction.atomic():
        for kind in notification_kinds(user):
            if kind.value in wanted:
                NotificationOptOut.objects.filter(user=user, kind=kind).delete()
            else:
                NotificationOptOut.objects.get_or_create(user=user, kind=kind)
