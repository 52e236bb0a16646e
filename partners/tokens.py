"""API tokens: created, checked and revoked here only (HOUSE.md, one door per state change).

Only the SHA-256 digest of a key is stored: the key is returned once, by ``create``, and shown
once. A token expires after ``API_TOKEN_DAYS``; it is revoked by its owner, by an organisation
admin (service tokens), and for all of a person's tokens by a password change or reset and by a
deactivation (``revoke_all``, called from ``partners.signals``).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .auth_models import ApiToken
from .models import Membership, Organisation, User
from .roles import is_organisation_admin

# A used token's "last used" date is written at most this often (one UPDATE, not one per call).
LAST_USED_PRECISION = timedelta(minutes=5)


class TokenError(Exception):
    """A refused token operation; ``str(error)`` is the French message."""


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def _new(user, *, kind, name, created_by, organisation=None):
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        kind=kind,
        organisation=organisation,
        name=name[:100],
        prefix=key[:8],
        digest=digest(key),
        created_by=created_by,
        created_at=now,
        expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
    )
    return token, key


def create_personal(user, *, name="API", channel="web"):
    """A new personal token of ``user``: returns ``(token, key)``; the key is never stored."""
    with transaction.atomic():
        token, key = _new(user, kind=ApiToken.Kind.PERSONAL, name=name, created_by=user)
        audit.event(
            audit.Action.TOKEN_CREATE,
            user=user,
            channel=channel,
            detail=f"token={token.pk} kind=personal",
        )
    return token, key


def service_account(organisation):
    """The service account of an organisation's information system (created at first use)."""
    user = User.objects.filter(is_service=True, memberships__organisation=organisation).first()
    if user is None:
        user = User.objects.create_user(
            f"si-{organisation.pk}-{secrets.token_hex(4)}@service.passerelle.invalid",
            password=None,
            is_service=True,
            last_name=_("Système d'information"),
        )
        Membership.objects.create(user=user, organisation=organisation)
    return user


def create_service(actor, organisation, *, name, channel="web"):
    """A service token for ``organisation``'s information system, created by one of its admins:
    it acts as the organisation's service account, scoped like a member of that organisation."""
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not is_organisation_admin(actor, organisation):
            raise TokenError(_("Seuls les administrateurs de l'organisation peuvent faire cela."))
        token, key = _new(
            service_account(organisation),
            kind=ApiToken.Kind.SERVICE,
            name=name,
            created_by=actor,
            organisation=organisation,
        )
        audit.event(
            audit.Action.TOKEN_CREATE,
            user=actor,
            channel=channel,
            detail=f"token={token.pk} kind=service organisation={organisation.pk}",
        )
    return token, key


def revoke(actor, token, *, channel="web"):
    """Revokes one token ``actor`` may see (their own, or their organisation's service token)."""
    with transaction.atomic():
        token = ApiToken.objects.visible_to(actor).select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_reason = "revoked"
            token.save(update_fields=["revoked_at", "revoked_reason"])
            audit.event(
                audit.Action.TOKEN_REVOKE,
                user=actor,
                channel=channel,
                detail=f"token={token.pk} reason=revoked",
            )
    return token


def revoke_all(user, *, reason):
    """Revokes every usable token of ``user`` (password changed or reset, deactivated)."""
    ids = list(ApiToken.objects.usable().filter(user=user).values_list("pk", flat=True))
    if ids:
        ApiToken.objects.filter(pk__in=ids).update(revoked_at=timezone.now(), revoked_reason=reason)
        for pk in ids:
            audit.event(
                audit.Action.TOKEN_REVOKE,
                account_id=user.pk,
                channel="system",
                detail=f"token={pk} reason={reason}",
            )
    return len(ids)


def authenticate(key):
    """The usable token of ``key`` whose owner is active, or None."""
    if not key or len(key) > 100:
        return None
    token = (
        ApiToken.objects.usable()
        .select_related("user")
        .filter(digest=digest(key), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
