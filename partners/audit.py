"""The one function that writes the audit log of personal data (who, when, what)."""

from .models import AuditEntry

Action = AuditEntry.Action


def record(user, action, object_type, object_id="", *, channel="web", detail=""):
    """Record that ``user`` did ``action`` on a personal record.

    ``object_id`` is an identifier (primary key), never a name; ``detail`` names fields or counts,
    never values.
    """
    membership = user.active_membership if getattr(user, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user if getattr(user, "is_authenticated", False) else None,
        organisation=membership.organisation if membership else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        channel=channel,
        detail=detail[:255],
    )


def record_many(user, action, object_type, object_ids, *, channel="web", detail=""):
    """One audit row per record, written in a single query (lists, exports)."""
    membership = user.active_membership if getattr(user, "is_authenticated", False) else None
    entries = [
        AuditEntry(
            actor=user,
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
