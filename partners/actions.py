"""The state changes of the partners app, one function each, the only door to it for pages, API,
admin actions and commands (HOUSE.md, "One door per state change"):

- members: invite, accept_invitation, set_admin (grant_admin, remove_admin), deactivate;
- the directory: save_organisation, save_contact, delete_contact, save_offer, mark_reviewed;
- the resource base (its keepers): save_resource, mark_resource_reviewed, set_resource_keepers;
- employers: save_partnership.

Each function runs in one transaction, locks the organisation row (so that two admins acting at
once cannot both remove the last admin), checks, writes, and records an audit row. E-mails leave
after commit. Refusals raise ``MembershipError`` with a French message for the page.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from effects.outbox import enqueue

from . import audit, tasks, tokens
from .models import (
    EMPLOYER_KINDS,
    Contact,
    Invitation,
    Membership,
    Organisation,
    ProConnectIdentity,
    Resource,
    ServiceOffer,
    User,
)
from .roles import Cap, has_capability, is_organisation_admin, may_keep_resources

# How long an invitation link may be used.
INVITATION_VALIDITY = datetime.timedelta(days=7)


class MembershipError(Exception):
    """A refused membership change; ``str(error)`` is the French message to show."""


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _check_admin(actor, organisation):
    if not is_organisation_admin(actor, organisation):
        raise MembershipError(_("Seuls les administrateurs de l'organisation peuvent faire cela."))


def _lock(membership):
    """Locks the organisation, then the membership; returns the fresh membership."""
    Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    return Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)


def _other_active_admins(membership):
    return (
        Membership.objects.filter(
            organisation_id=membership.organisation_id, is_active=True, is_admin=True
        )
        .exclude(pk=membership.pk)
        .exists()
    )


LAST_ADMIN_MESSAGE = gettext_lazy(
    "Impossible : c'est le dernier administrateur de l'organisation. Nommez d'abord un autre "
    "administrateur."
)


def invite(actor, organisation, email, *, is_admin=False, channel="web"):
    """Invites ``email`` to join ``organisation``; the e-mail with the link leaves after commit.

    Returns the invitation. The link carries a random token, valid ``INVITATION_VALIDITY``.
    """
    email = email.strip().lower()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        _check_admin(actor, organisation)
        if Membership.objects.filter(
            organisation=organisation, user__email__iexact=email, is_active=True
        ).exists():
            raise MembershipError(_("Cette personne est déjà membre de l'organisation."))
        now = timezone.now()
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            is_admin=is_admin,
            invited_by=actor,
            token_digest=_digest(token),
            created_at=now,
            expires_at=now + INVITATION_VALIDITY,
        )
        audit.record(
            actor,
            audit.Action.CREATE,
            "invitation",
            invitation.pk,
            channel=channel,
            detail=f"organisation={organisation.pk} admin={int(is_admin)}",
        )
        link = settings.SITE_URL + reverse("invitation_accept", args=[token])
        # The link holds the token: the effect forgets its arguments once the e-mail is sent.
        enqueue(
            tasks.send_invitation_email,
            [email, link, invitation.expires_at.isoformat()],
            key=f"invitation-{invitation.pk}",
        )
    return invitation


def send_password_reset(email, subject, body):
    """The password reset e-mail, through the outbox: sent once the request is committed, again
    later if the mail server is down. The link holds a secret: the effect forgets its arguments
    once the e-mail is sent, and its key is random."""
    enqueue(
        tasks.send_account_email,
        [email, subject, body],
        key=f"password-reset-{secrets.token_hex(8)}",
    )


def pending_invitation(token):
    """The invitation of a link if it can still be used, else None (unknown, used or expired)."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_digest=_digest(token))
        .first()
    )
    if invitation is None or not invitation.is_pending:
        return None
    return invitation


def accept_invitation(token, *, password=None, first_name="", last_name="", proconnect_sub=None):
    """Creates (or reactivates) the invited person's account and their membership.

    Refuses an unknown, used or expired link, a password the validators refuse, and a person
    who is still an active member of another organisation (one active membership at a time).
    With ``proconnect_sub`` (accepted through ProConnect), the ProConnect subject is linked to
    the account instead of a password being set. Returns the user.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().filter(token_digest=_digest(token)).first()
        )
        if invitation is None or not invitation.is_pending:
            raise MembershipError(
                _("Ce lien d'invitation n'est plus valable : il a déjà servi ou a expiré.")
            )
        Organisation.objects.select_for_update().get(pk=invitation.organisation_id)
        user = User.objects.select_for_update().filter(email__iexact=invitation.email).first()
        if user is not None and user.memberships.filter(is_active=True).exists():
            raise MembershipError(
                _(
                    "Ce compte est déjà actif dans une organisation. Demandez à son administrateur "
                    "de le désactiver avant d'accepter cette invitation."
                )
            )
        candidate = user or User(email=invitation.email)
        candidate.first_name = first_name or candidate.first_name
        candidate.last_name = last_name or candidate.last_name
        if proconnect_sub is not None:
            if ProConnectIdentity.objects.filter(sub=proconnect_sub).exists():
                raise MembershipError(_("Cette identité ProConnect est déjà reliée à un compte."))
            if candidate.pk is None:
                candidate.set_unusable_password()
        else:
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as error:
                raise MembershipError(" ".join(error.messages))
            candidate.set_password(password)
        candidate.is_active = True
        candidate.save()
        if proconnect_sub is not None:
            ProConnectIdentity.objects.create(user=candidate, sub=proconnect_sub)
        now = timezone.now()
        membership = Membership.objects.create(
            user=candidate,
            organisation_id=invitation.organisation_id,
            is_admin=invitation.is_admin,
            joined_at=now,
        )
        invitation.accepted_at = now
        invitation.accepted_by = candidate
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(
            candidate,
            audit.Action.CREATE,
            "membership",
            membership.pk,
            detail=f"invitation={invitation.pk}"
            + (" proconnect" if proconnect_sub is not None else ""),
        )
    return candidate


def set_admin(actor, membership, is_admin, *, channel="web"):
    """Grants (``is_admin=True``) or removes admin rights; never removes the last admin."""
    with transaction.atomic():
        membership = _lock(membership)
        _check_admin(actor, membership.organisation)
        if not membership.is_active:
            raise MembershipError(_("Ce membre a été désactivé."))
        if membership.is_admin == is_admin:
            return membership
        if not is_admin and not _other_active_admins(membership):
            raise MembershipError(LAST_ADMIN_MESSAGE)
        membership.is_admin = is_admin
        membership.save(update_fields=["is_admin"])
        audit.record(
            actor,
            audit.Action.UPDATE,
            "membership",
            membership.pk,
            channel=channel,
            detail="grant_admin" if is_admin else "remove_admin",
        )
    return membership


def grant_admin(actor, membership, *, channel="web"):
    return set_admin(actor, membership, True, channel=channel)


def remove_admin(actor, membership, *, channel="web"):
    return set_admin(actor, membership, False, channel=channel)


def deactivate(actor, membership, *, channel="web"):
    """Deactivates a membership (never deleted: the person's history keeps its author).

    The person's sessions end at their next request (``ActiveMembershipMiddleware``); with no
    other active membership their account is made inactive and their API tokens revoked, so that
    token authentication refuses them too. The last admin cannot be deactivated.
    """
    with transaction.atomic():
        membership = _lock(membership)
        _check_admin(actor, membership.organisation)
        if not membership.is_active:
            return membership
        if membership.is_admin and not _other_active_admins(membership):
            raise MembershipError(LAST_ADMIN_MESSAGE)
        membership.is_active = False
        membership.deactivated_at = timezone.now()
        membership.save(update_fields=["is_active", "deactivated_at"])
        user = User.objects.select_for_update().get(pk=membership.user_id)
        if not user.memberships.filter(is_active=True).exists() and not user.is_superuser:
            user.is_active = False
            user.save(update_fields=["is_active"])
            tokens.revoke_all(user, reason="deactivated")
        audit.record(
            actor,
            audit.Action.UPDATE,
            "membership",
            membership.pk,
            channel=channel,
            detail="deactivate",
        )
    return membership


# --- The directory: organisation pages, contacts, offers ---------------------------------------


def _lock_administered(actor, organisation):
    """Locks the organisation row and checks that ``actor`` administers it; returns it fresh."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _check_admin(actor, organisation)
    return organisation


def save_organisation(actor, organisation, *, channel="web"):
    """Creates (platform administrators) or updates (its administrators) an organisation.

    ``organisation`` is an unsaved or modified instance whose fields a form has validated.
    """
    created = organisation.pk is None
    with transaction.atomic():
        if created:
            if not has_capability(actor, Cap.ORGANISATION_CREATE):
                raise MembershipError(
                    _("Seuls les administrateurs de la plateforme créent une organisation.")
                )
        else:
            _lock_administered(actor, organisation)
        organisation.save()
        audit.record(
            actor,
            audit.Action.CREATE if created else audit.Action.UPDATE,
            "organisation",
            organisation.pk,
            channel=channel,
        )
    return organisation


def save_contact(actor, organisation, contact, *, channel="web"):
    """Adds or updates a contact of the organisation's directory page (its administrators)."""
    created = contact.pk is None
    with transaction.atomic():
        organisation = _lock_administered(actor, organisation)
        if not created and contact.organisation_id != organisation.pk:
            raise MembershipError(_("Ce contact appartient à une autre organisation."))
        contact.organisation = organisation
        contact.save()
        audit.record(
            actor,
            audit.Action.CREATE if created else audit.Action.UPDATE,
            "contact",
            contact.pk,
            channel=channel,
            detail=f"organisation={organisation.pk}",
        )
    return contact


def delete_contact(actor, contact, *, channel="web"):
    """Removes a contact from the organisation's directory page (its administrators)."""
    with transaction.atomic():
        organisation = _lock_administered(actor, contact.organisation)
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        pk = contact.pk
        contact.delete()
        audit.record(
            actor,
            audit.Action.UPDATE,
            "contact",
            pk,
            channel=channel,
            detail=f"delete organisation={organisation.pk}",
        )


def save_offer(actor, organisation, offer, *, channel="web"):
    """Adds or updates a service offer; saving it is reviewing it (the twelve-month clock)."""
    created = offer.pk is None
    with transaction.atomic():
        organisation = _lock_administered(actor, organisation)
        if not created and offer.organisation_id != organisation.pk:
            raise MembershipError(_("Cette offre appartient à une autre organisation."))
        offer.organisation = organisation
        offer.last_reviewed_on = timezone.localdate()
        offer.save()
        audit.record(
            actor,
            audit.Action.CREATE if created else audit.Action.UPDATE,
            "service_offer",
            offer.pk,
            channel=channel,
        )
    return offer


def mark_reviewed(actor, offer, *, channel="web"):
    """Confirms that an offer is still up to date (resets the twelve-month review clock)."""
    with transaction.atomic():
        _lock_administered(actor, offer.organisation)
        offer = ServiceOffer.objects.select_for_update().get(pk=offer.pk)
        offer.last_reviewed_on = timezone.localdate()
        offer.save(update_fields=["last_reviewed_on", "updated_at"])
        audit.record(
            actor,
            audit.Action.UPDATE,
            "service_offer",
            offer.pk,
            channel=channel,
            detail="reviewed",
        )
    return offer


# --- The resource base, kept by its owner (agreement, art. 2) ---------------------------------


def _check_keeper(actor, department_id):
    if not may_keep_resources(actor) or (
        not actor.is_superuser
        and actor.active_membership.organisation.department_id != department_id
    ):
        raise MembershipError(
            _("Seule l'organisation qui tient la base de ressources peut la modifier.")
        )


def save_resource(actor, resource, *, channel="web"):
    """Adds or updates a resource of the actor's department (its keepers); saving it is
    reviewing it (the twelve-month clock, as offers)."""
    created = resource.pk is None
    with transaction.atomic():
        if created and not actor.is_superuser:
            resource.department_id = actor.active_membership.organisation.department_id
        if not created:
            Resource.objects.select_for_update().get(pk=resource.pk)
        _check_keeper(actor, resource.department_id)
        resource.last_reviewed_on = timezone.localdate()
        resource.save()
        audit.record(
            actor,
            audit.Action.CREATE if created else audit.Action.UPDATE,
            "resource",
            resource.pk,
            channel=channel,
        )
    return resource


def mark_resource_reviewed(actor, resource, *, channel="web"):
    """Confirms that a resource is still up to date (resets its twelve-month review clock)."""
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        _check_keeper(actor, resource.department_id)
        resource.last_reviewed_on = timezone.localdate()
        resource.save(update_fields=["last_reviewed_on", "updated_at"])
        audit.record(
            actor, audit.Action.UPDATE, "resource", resource.pk, channel=channel, detail="reviewed"
        )
    return resource


def set_resource_keepers(actor, department_id, organisations, *, channel="web"):
    """The coordinator names the organisations that keep the department's resources (France
    Travail's when none is named)."""
    if not has_capability(actor, Cap.GOVERNANCE_EDIT):
        raise MembershipError(_("Seule la coordination désigne qui tient la base de ressources."))
    chosen = {organisation.pk for organisation in organisations}
    with transaction.atomic():
        rows = Organisation.objects.select_for_update().filter(department_id=department_id)
        if {row.pk for row in rows} < chosen:
            raise MembershipError(_("Choisissez des organisations du département."))
        rows.filter(pk__in=chosen).update(keeps_resources=True)
        rows.exclude(pk__in=chosen).update(keeps_resources=False)
        audit.record(
            actor,
            audit.Action.UPDATE,
            "resource_keepers",
            department_id,
            channel=channel,
            detail="organisations=" + ",".join(str(pk) for pk in sorted(chosen)),
        )


# --- Employers ----------------------------------------------------------------------------------


def save_partnership(actor, organisation, partnership, *, channel="web"):
    """An employer's partnership record: its administrators, or the coordination."""
    created = partnership.pk is None
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if organisation.kind not in EMPLOYER_KINDS:
            raise MembershipError(_("Seuls les employeurs ont un partenariat employeur."))
        coordinator = has_capability(actor, Cap.GOVERNANCE_EDIT) and (
            actor.is_superuser
            or actor.active_membership.organisation.department_id == organisation.department_id
        )
        if not coordinator:
            _check_admin(actor, organisation)
        partnership.organisation = organisation
        partnership.updated_at = timezone.now()
        partnership.save()
        audit.record(
            actor,
            audit.Action.CREATE if created else audit.Action.UPDATE,
            "employer_partnership",
            partnership.pk,
            channel=channel,
        )
    return partnership
