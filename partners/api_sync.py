"""Incremental sync for every API list (docs/api.md, "Synchronisation incrémentale").

Without ``updated_since`` or ``cursor``, a list is paged by number as before (``?page=``).
With ``updated_since`` (ISO 8601), it keeps the rows changed at or after that moment and returns
them in a stable order, ``(updated_at, id)``, a page at a time: ``next`` carries an opaque
``cursor`` (the last row's ``updated_at`` and ``id``), so that rows changed while a partner reads
are neither skipped nor repeated. A partner's nightly job keeps the ``updated_at`` of the last row
it read and asks ``updated_since`` that moment the next night. Deletions and anonymisations are
listed apart, as tombstones (``/api/v1/tombstones/``).

The DEFAULT_PAGINATION_CLASS of the API (config/settings.py): every list gets it.
"""

import base64
import binascii
import datetime
import json

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.validators import date_in_range

UPDATED_SINCE = "updated_since"
CURSOR = "cursor"
# Query parameters that are not filters (StrictFilterBackend lets them through).
SYNC_PARAMETERS = {UPDATED_SINCE, CURSOR}


def parse_moment(value):
    """An aware datetime in UTC from ISO 8601 (a date alone is its midnight, Paris time); None if
    invalid or outside the dates people type (core.validators: an offset of +22:59 or the year
    409 would reach the database and fail there)."""
    value = (value or "").strip().replace(" ", "+")  # an unencoded "+02:00" arrives as a space
    try:
        moment = parse_datetime(value)
        day = None if moment else parse_date(value)
    except ValueError:  # well formed, but no such day or time
        return None
    if moment is None:
        if day is None:
            return None
        moment = timezone.datetime(day.year, day.month, day.day)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return _in_utc(moment)


def _in_utc(moment):
    """An aware ``moment`` in UTC, or None outside the dates people type (core.validators)."""
    return moment.astimezone(datetime.UTC) if date_in_range(moment) else None


def encode_cursor(updated_at, pk):
    raw = json.dumps([updated_at.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor):
    """(updated_at, id) of an opaque cursor, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, pk = json.loads(raw)
        moment = parse_datetime(moment)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return None
    if moment is None or timezone.is_naive(moment) or not isinstance(pk, int):
        return None
    moment = _in_utc(moment)
    return None if moment is None else (moment, pk)


def has_updated_at(model):
    return any(field.name == "updated_at" for field in model._meta.get_fields())


def is_sync_request(request):
    return request is not None and bool(SYNC_PARAMETERS & set(request.query_params))


class SyncPagination(PageNumberPagination):
    """Pages by number, or by cursor on ``(updated_at, id)`` once ``updated_since`` or ``cursor``
    is given."""

    def paginate_queryset(self, queryset, request, view=None):
        self.sync = is_sync_request(request)
        if not self.sync:
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        if not has_updated_at(queryset.model):
            raise ValidationError(
                {UPDATED_SINCE: [_("Cette liste ne se synchronise pas par date de modification.")]}
            )
        params = request.query_params
        if UPDATED_SINCE in params:
            since = parse_moment(params[UPDATED_SINCE])
            if since is None:
                raise ValidationError(
                    {
                        UPDATED_SINCE: [
                            _("Date invalide : attendu ISO 8601, ex. 2026-05-01T08:00:00+02:00.")
                        ]
                    }
                )
            queryset = queryset.filter(updated_at__gte=since)
        if CURSOR in params:
            position = decode_cursor(params[CURSOR])
            if position is None:
                raise ValidationError({CURSOR: [_("Curseur invalide.")]})
            moment, pk = position
            queryset = queryset.filter(Q(updated_at__gt=moment) | Q(updated_at=moment, pk__gt=pk))
        size = self.get_page_size(request)
        rows = list(queryset.order_by("updated_at", "pk")[: size + 1])
        self.has_next = len(rows) > size
        rows = rows[:size]
        self.last = (rows[-1].updated_at, rows[-1].pk) if rows else None
        return rows

    def get_next_link(self):
        if not getattr(self, "sync", False):
            return super().get_next_link()
        if not self.has_next:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), "page")
        return replace_query_param(url, CURSOR, encode_cursor(*self.last))

    def get_paginated_response(self, data):
        if not getattr(self, "sync", False):
            return super().get_paginated_response(data)
        return Response({"next": self.get_next_link(), "previous": None, "results": data})

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["required"] = ["results"]
        answer["properties"]["count"]["description"] = "Absent from a synchronisation (cursor)."
        answer["properties"]["next"]["description"] = (
            "The next page; with updated_since, it carries an opaque cursor."
        )
        return answer

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        model = getattr(getattr(view, "queryset", None), "model", None)
        serializer_class = getattr(view, "serializer_class", None)
        model = model or getattr(getattr(serializer_class, "Meta", None), "model", None)
        if model is not None and not has_updated_at(model):
            return parameters
        return parameters + [
            {
                "name": UPDATED_SINCE,
                "required": False,
                "in": "query",
                "description": (
                    "ISO 8601 moment: only the rows changed at or after it, in the order "
                    "(updated_at, id), a page at a time (follow `next`). Deletions and "
                    "anonymisations: /api/v1/tombstones/."
                ),
                "schema": {"type": "string", "format": "date-time"},
                "example": "2026-05-01T00:00:00+02:00",
            },
            {
                "name": CURSOR,
                "required": False,
                "in": "query",
                "description": "Opaque position given by `next` during a synchronisation.",
                "schema": {"type": "string"},
            },
        ]
