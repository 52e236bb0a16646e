"""The rules of a referral's life (DESIGN.md §3, referrals): who may do what, from which status.

Rules only: ``TRANSITIONS`` (the table), ``may`` and ``allowed_actions``. The changes themselves
are the functions of ``referrals.actions`` (``send``, ``accept``, ``refuse``…), which check these
rules under a row lock. A transition that is not (or no longer) allowed raises
``TransitionNotAllowed`` (a page shows its message, the API answers 409).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.roles import Cap, has_capability

from .models import ACCEPTED_STATUSES, OPEN_STATUSES, Status

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


AWAITING = (Status.PENDING, Status.UNDER_REVIEW)

# The label names the act: it is the title of the action's form and its button.
TRANSITIONS = {
    t.name: t
    for t in (
        Transition("send", (), Status.PENDING, SENDER, gettext_lazy("Envoyer l'orientation")),
        Transition(
            "accept", AWAITING, Status.ACCEPTED, RECEIVER, gettext_lazy("Accepter l'orientation")
        ),
        Transition(
            "refuse", AWAITING, Status.REFUSED, RECEIVER, gettext_lazy("Refuser l'orientation")
        ),
        Transition(
            "redirect",
            AWAITING,
            Status.REDIRECTED,
            RECEIVER,
            gettext_lazy("Réorienter vers un autre partenaire"),
        ),
        Transition(
            "review",
            (Status.PENDING,),
            Status.UNDER_REVIEW,
            RECEIVER,
            gettext_lazy("Mettre à l'étude"),
        ),
        Transition(
            "cancel", AWAITING, Status.CANCELLED, SENDER, gettext_lazy("Annuler l'orientation")
        ),
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
            gettext_lazy("Clôturer l'accompagnement"),
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


def may_assign(actor, referral):
    """May ``actor`` assign this referral to a counsellor (the receiver, while it is open)?"""
    return referral.status in OPEN_STATUSES and may(actor, "accept", referral)


def may_write(actor, referral):
    """May ``actor`` write on the referral's thread (either organisation, whatever its status)?"""
    return may(actor, "cancel", referral) or may(actor, "accept", referral)


def may_follow_up(actor, referral):
    """May ``actor`` add a follow-up to this referral now (the receiver, once accepted)?"""
    return referral.status in ACCEPTED_STATUSES and may(actor, "start", referral)
