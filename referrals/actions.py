"""Every change to a referral, one function each (DESIGN.md §3, referrals; HOUSE.md).

Pages, the API, tasks and commands call these; none writes a status itself. Each transition
(``send``, ``accept``, ``refuse``, ``redirect``, ``cancel``, ``start``, ``close``) reads straight
down: lock the row, check it against the rules of ``referrals.states``, write the fields, log the
``ReferralEvent`` and the audit row, mark the person's file as active, and queue the e-mails for
after the commit. A transition that is not (or no longer) allowed raises
``states.TransitionNotAllowed``; missing or invalid fields raise Django's ``ValidationError``
with field errors.
"""

from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.actions import check_orientable, touch
from effects.outbox import enqueue
from partners import audit
from partners.models import EMPLOYER_KINDS, EMPLOYER_OFFER_KINDS
from partners.roles import Cap, has_capability

from . import tasks
from .deadlines import answer_due_at
from .models import (
    JOB_OUTCOMES,
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


def check_date(referral, field, value, *, future_ok=False, now=None):
    """A date of a referral falls between its sending and today (an appointment may be in the
    future): a French field error otherwise. ``value``: a date or an aware datetime."""
    if value is None:
        return
    now = now or timezone.now()
    is_moment = hasattr(value, "tzinfo") and hasattr(value, "hour")
    sent = referral.sent_at if is_moment else timezone.localdate(referral.sent_at)
    latest = now if is_moment else timezone.localdate(now)
    if value < sent:
        raise ValidationError(
            {
                field: _("Cette date est antérieure à l'envoi de l'orientation (le %(sent)s).")
                % {"sent": timezone.localtime(referral.sent_at).strftime("%d/%m/%Y")}
            }
        )
    if not future_ok and value > latest:
        raise ValidationError({field: _("Cette date ne peut pas être dans le futur.")})


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


def _move(actor, referral, action, now, *, comment, channel, notify=None, **fields):
    """Applies the transition ``action`` to a locked, checked referral: its target status and
    ``fields``, saved; the event and the audit row; the sender told (``notify``) once committed."""
    from_status = referral.status
    referral.status = TRANSITIONS[action].target
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.save()
    _log(actor, referral, from_status, now, comment=comment, channel=channel)
    if notify is not None:
        enqueue(
            tasks.notify_sender,
            [referral.pk, notify.value],
            key=f"referral-{referral.pk}-{notify.value}",
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
    actor,
    *,
    beneficiary,
    to_organisation,
    reason,
    note="",
    service_offer=None,
    changed_mind=False,
    channel="web",
):
    """OFII orients a person to a partner: a new ``pending`` referral. The person must have been
    told their file is shared; one dispensed at their own request must have changed their mind
    (``changed_mind``, recorded on the file): ``beneficiaries.actions.check_orientable``."""
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
        # Locks the person's file (sends for one person are serialised: the open-referral check
        # below then holds) and checks they may be oriented.
        check_orientable(actor, beneficiary, changed_mind=changed_mind, channel=channel)
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
        check_date(referral, "appointment_at", appointment_at, future_ok=True, now=now)
        _move(
            actor,
            referral,
            "accept",
            now,
            comment=comment,
            channel=channel,
            notify=NotificationKind.ACCEPTED,
            answered_at=now,
            appointment_at=appointment_at,
        )
    return referral


def review(actor, referral, *, comment="", channel="web"):
    """The receiver examines a pending referral ("à l'étude"): the sender sees it is being looked
    at; the answer deadline still runs and the sender may still cancel."""
    now = timezone.now()
    with transaction.atomic():
        referral = _lock(actor, referral, "review")
        _move(actor, referral, "review", now, comment=(comment or "").strip(), channel=channel)
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
        _move(
            actor,
            referral,
            "refuse",
            now,
            comment=comment,
            channel=channel,
            notify=NotificationKind.REFUSED,
            answered_at=now,
            refusal_reason=reason,
            refusal_comment=comment,
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
        _move(
            actor,
            current,
            "redirect",
            now,
            comment=comment,
            channel=channel,
            notify=NotificationKind.REDIRECTED,
            answered_at=now,
            redirected_to=new,
        )
        enqueue(tasks.notify_new_referral, [new.pk], key=f"referral-{new.pk}-new")
    return new


def cancel(actor, referral, *, comment="", channel="web"):
    now = timezone.now()
    with transaction.atomic():
        referral = _lock(actor, referral, "cancel")
        _move(actor, referral, "cancel", now, comment=(comment or "").strip(), channel=channel)
    return referral


def start(actor, referral, *, first_appointment_at=None, comment="", channel="web"):
    """The first appointment was held (now, unless a past time is given)."""
    now = timezone.now()
    with transaction.atomic():
        referral = _lock(actor, referral, "start")
        check_date(referral, "first_appointment_at", first_appointment_at, now=now)
        _start(actor, referral, first_appointment_at or now, now, comment=comment, channel=channel)
    return referral


def _start(actor, referral, held_at, now, *, comment, channel):
    """The ``start`` transition on a locked, checked referral (also reached by a follow-up
    "Entrée en accompagnement": one way to say the person is followed)."""
    _move(
        actor,
        referral,
        "start",
        now,
        comment=comment,
        channel=channel,
        notify=NotificationKind.STARTED,
        first_appointment_at=held_at,
    )


def _check_employer(employer, outcome, department_id):
    """A job outcome may name an employer of the directory, of the referral's department."""
    if employer is None:
        return None
    if outcome not in JOB_OUTCOMES:
        return _("Seule une issue « emploi » nomme un employeur.")
    if employer.kind not in EMPLOYER_KINDS or employer.department_id != department_id:
        return _("Choisissez un employeur de l'annuaire du département.")
    return None


def close(actor, referral, *, outcome, outcome_date, comment="", employer=None, channel="web"):
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choisissez l'issue de l'accompagnement.")
    employer_error = _check_employer(employer, outcome, referral.to_organisation.department_id)
    if employer_error:
        errors["employer"] = employer_error
    if outcome_date is None:
        errors["outcome_date"] = _("Indiquez la date de l'issue.")
    elif outcome_date > timezone.localdate():
        errors["outcome_date"] = _("La date de l'issue ne peut pas être dans le futur.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        referral = _lock(actor, referral, "close")
        check_date(referral, "outcome_date", outcome_date, now=now)
        _move(
            actor,
            referral,
            "close",
            now,
            comment=comment,
            channel=channel,
            notify=NotificationKind.CLOSED,
            outcome=outcome,
            outcome_date=outcome_date,
            outcome_employer=employer,
            closed_at=now,
        )
    return referral


# --- Not status changes -----------------------------------------------------------------------


def assign(actor, referral_ids, counsellor, *, channel="web"):
    """Assigns referrals of the actor's organisation to one of its members, or to nobody (not a
    status change): an event on each referral whose counsellor changes, the audit rows, and an
    e-mail to the new counsellor. Returns how many changed."""
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
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Referral.objects.select_for_update()
            .filter(pk__in=referral_ids, to_organisation_id=membership.organisation_id)
            .exclude(assigned_to=counsellor)
            .values_list("pk", "status")
        )
        ids = [pk for pk, _status in rows]
        Referral.objects.filter(pk__in=ids).update(assigned_to=counsellor, updated_at=now)
        name = counsellor.get_full_name() or counsellor.email if counsellor else ""
        ReferralEvent.objects.bulk_create(
            ReferralEvent(
                referral_id=pk,
                kind=ReferralEvent.Kind.ASSIGNED,
                from_status=status,
                to_status=status,
                actor=actor,
                organisation=membership.organisation,
                at=now,
                comment=(_("Attribuée à %(name)s") % {"name": name})
                if name
                else _("Sans référent"),
            )
            for pk, status in rows
        )
        audit.record_many(
            actor, audit.Action.UPDATE, "referral", ids, channel=channel, detail="assigned_to"
        )
        if counsellor is not None and ids and counsellor.pk != actor.pk:
            enqueue(
                tasks.notify_assigned,
                [counsellor.pk, ids],
                key=f"assigned-{counsellor.pk}-{now.isoformat()}-{ids[0]}",
            )
    return len(ids)


def add_follow_up(
    actor, referral, *, kind, happened_on, accompaniment="", comment="", offer=None, channel="web"
):
    """The receiving partner records a step of the person's path (an accepted referral); it may
    propose an employer's job or immersion offer (kind ``offer_proposed``)."""
    if kind == FollowUp.Kind.ACCOMPANIMENT and not accompaniment:
        raise ValidationError({"accompaniment": _("Précisez le type d'accompagnement.")})
    if kind != FollowUp.Kind.ACCOMPANIMENT:
        accompaniment = ""
    if kind == FollowUp.Kind.OFFER_PROPOSED:
        if offer is None:
            raise ValidationError({"offer": _("Choisissez l'offre proposée.")})
        if (
            offer.kind not in EMPLOYER_OFFER_KINDS
            or not offer.is_active
            or offer.organisation.department_id != referral.to_organisation.department_id
        ):
            raise ValidationError(
                {"offer": _("Choisissez une offre d'emploi ou d'immersion du département.")}
            )
    else:
        offer = None
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if not may_follow_up(actor, referral):
            raise TransitionNotAllowed(_("Un suivi s'ajoute à une orientation acceptée."))
        check_date(referral, "happened_on", happened_on, now=now)
        if kind == FollowUp.Kind.ACCOMPANIMENT and referral.status == Status.ACCEPTED:
            # Entering an accompaniment means the first appointment was held.
            held = timezone.make_aware(datetime.combine(happened_on, time(9)))
            _start(
                actor,
                referral,
                max(referral.sent_at, min(held, now)),
                now,
                comment=_("Entrée en accompagnement"),
                channel=channel,
            )
        follow_up = FollowUp.objects.create(
            referral=referral,
            kind=kind,
            accompaniment=accompaniment,
            happened_on=happened_on,
            offer=offer,
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
SENDER_NOTIFICATIONS = (
    NotificationKind.ACCEPTED,
    NotificationKind.REFUSED,
    NotificationKind.REDIRECTED,
    NotificationKind.STARTED,
    NotificationKind.CLOSED,
    NotificationKind.ESCALATED,
    NotificationKind.NEW_MESSAGE,
)
RECEIVER_NOTIFICATIONS = (
    NotificationKind.NEW_REFERRAL,
    NotificationKind.REMINDER,
    NotificationKind.ASSIGNED,
    NotificationKind.NEW_MESSAGE,
)
# Sent to the organisation's shared address when it has one (personal choices do not apply).
ORGANISATION_NOTIFICATIONS = (NotificationKind.NEW_REFERRAL, NotificationKind.REMINDER)


def notification_kinds(user):
    """The kinds of e-mail ``user`` may opt out of (those of their side of a referral). What goes
    to the organisation's shared address is not the person's choice, and is not offered."""
    if has_capability(user, Cap.REFERRAL_ANSWER):
        if user.active_membership.organisation.notification_email:
            return tuple(k for k in RECEIVER_NOTIFICATIONS if k not in ORGANISATION_NOTIFICATIONS)
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
