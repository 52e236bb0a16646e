"""The one module that writes the audit log (who, when, what), and purges it after its retention.

Personal records: ``record`` (one record), ``record_many`` (one row per record changed),
``record_list`` (one row for what a list, a panel or an export showed, with the ids shown).
Authentication: ``event`` (logins, failures, lockouts, second factor, resets, tokens) and
``refused`` (a page or endpoint a role may not reach). Identifiers only, never a name or address.
"""

from django.conf import settings
from django.utils import timezone

from core.dates import months_before

from .models import AuditEntry

Action = AuditEntry.Action


def _membership(user):
    return user.active_membership if getattr(user, "is_authenticated", False) else None


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def record(user, action, object_type, object_id="", *, channel="web", detail=""):
    """Record that ``user`` did ``action`` on a personal record.

    ``object_id`` is an identifier (primary key), never a name; ``detail`` names fields or counts,
    never values.
    """
    membership = _membership(user)
    return AuditEntry.objects.create(
        actor=_actor(user),
        organisation=membership.organisation if membership else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        channel=channel,
        detail=detail[:255],
    )


def record_many(user, action, object_type, object_ids, *, channel="web", detail=""):
    """One audit row per record, written in a single query (changes of several records)."""
    membership = _membership(user)
    entries = [
        AuditEntry(
            actor=_actor(user),
            organisation=membership.organisation if membership else None,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            channel=channel,
            detail=detail[:255],
        )
        for object_id in object_ids
    ]
    return AuditEntry.objects.bulk_create(entries)


def record_list(user, action, object_type, object_ids, *, channel="web", detail=""):
    """One audit row for what a list, a panel or an export showed: the ids shown, in one field."""
    ids = [str(object_id) for object_id in object_ids]
    membership = _membership(user)
    return AuditEntry.objects.create(
        actor=_actor(user),
        organisation=membership.organisation if membership else None,
        action=action,
        object_type=object_type,
        object_id="" if len(ids) != 1 else ids[0],
        object_ids="," + ",".join(ids) + ",",
        channel=channel,
        detail=(detail or f"count={len(ids)}")[:255],
    )


def event(action, *, user=None, account_id="", channel="web", detail=""):
    """An authentication event. ``user``: who acted (if signed in); ``account_id``: the account
    concerned (a failed login's), as an id. ``detail``: a short code, never an address."""
    membership = _membership(user) if user is not None else None
    return AuditEntry.objects.create(
        actor=_actor(user),
        organisation=membership.organisation if membership else None,
        action=action,
        object_type="account",
        object_id=str(account_id or getattr(_actor(user), "pk", "") or ""),
        channel=channel,
        detail=detail[:255],
    )


def refused(user, route, *, channel="web"):
    """A page or endpoint refused to a role (answered 404): the route's name, no record id."""
    return event(Action.REFUSED, user=user, channel=channel, detail=f"route={route}")


def retention_limit(now=None):
    return months_before(now or timezone.now(), settings.AUDIT_RETENTION_MONTHS)


def purge(*, apply=False, now=None):
    """Rows older than ``AUDIT_RETENTION_MONTHS``: their number, deleted only with ``apply``."""
    old = AuditEntry.objects.filter(at__lt=retention_limit(now))
    count = old.count()
    if apply and count:
        old._raw_delete(old.db)  # no signal, no per-row save: the journal has no dependants
    return count
