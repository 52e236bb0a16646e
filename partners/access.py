"""The doors every page and API endpoint goes through (DESIGN.md §4, HOUSE.md).

- ``capability_required`` (views) and ``HasCapability`` (DRF): may this role do this kind of thing
  at all? What a role may not do answers 404, like a record out of scope, so nothing leaks.
- ``open_record``: one record through its model's ``visible_to`` — 404 when it is out of scope or
  missing (the same answer) — and the read audit row. ``list_records``: the audit of a list.
  A page or endpoint that shows personal data opens it here, so it cannot show it unaudited.

They live here, beside the audit they write and below every app's views, because imports go down
only: an app's views may import ``partners``, never ``web`` (README, "How the code is laid out").
"""

from functools import wraps

from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from . import audit
from .roles import has_capability


def _route_name(request):
    """The route's name (``referrals:inbox``), never its path: paths may hold record ids."""
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match else "") or "?"


def capability_required(capability):
    """View decorator: what a role may not do answers 404, so that nothing leaks."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_capability(request.user, capability):
                audit.refused(request.user, _route_name(request))
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class HasCapability(BasePermission):
    """DRF permission: ``permission_classes = [HasCapability.of(Cap.X)]``."""

    capability = None

    @classmethod
    def of(cls, capability):
        return type(f"HasCapability_{capability}", (cls,), {"capability": capability})

    def has_permission(self, request, view):
        if not getattr(request.user, "is_authenticated", False):
            return False  # DRF answers 401
        # Like the pages: what a role may not reach answers 404, not 403.
        if not has_capability(request.user, self.capability):
            audit.refused(request.user, _route_name(request), channel="api")
            raise NotFound
        return True


def object_type_of(model):
    return model._meta.model_name


def open_record(user, model, *, prepare=None, object_type=None, channel="web", detail="", **lookup):
    """The record of ``model`` matching ``lookup`` that ``user`` may see, with its read audit row.

    ``prepare`` refines the scoped queryset (``select_related``…); it cannot widen it.
    """
    queryset = model.objects.visible_to(user)
    if prepare is not None:
        queryset = prepare(queryset)
    record = get_object_or_404(queryset, **lookup)
    audit.record(
        user,
        audit.Action.VIEW,
        object_type or object_type_of(model),
        record.pk,
        channel=channel,
        detail=detail,
    )
    return record


def audit_read(user, record, *, object_type=None, channel="web", detail=""):
    """The read audit of a record already opened through ``visible_to`` (an API ``retrieve``)."""
    audit.record(
        user,
        audit.Action.VIEW,
        object_type or object_type_of(type(record)),
        record.pk,
        channel=channel,
        detail=detail,
    )


def list_records(user, records, *, object_type, channel="web", action=audit.Action.LIST, detail=""):
    """Audits the records a list, a panel or an export shows (one row holding the ids shown);
    returns them unchanged.

    ``records``: model instances or primary keys, already scoped by ``visible_to``.
    """
    records = list(records)
    ids = [getattr(record, "pk", record) for record in records]
    if ids:
        audit.record_list(user, action, object_type, ids, channel=channel, detail=detail)
    return records
