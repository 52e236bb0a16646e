"""Bulk writing of the generated rows: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

``insert(model, objects)`` gives every object its primary key first (one ``nextval`` query per
call on PostgreSQL), so that rows referring to it can be built before they are written. The
objects are written as they are: no ``save()``, no signal, no ``pre_save`` (the generator sets
every column itself; ``auto_now`` columns get "now").
"""

import datetime
import io
import json

from django.db import connection, models
from django.utils import timezone

ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def insert(model, objects):
    objects = list(objects)
    if not objects:
        return objects
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objects, batch_size=2000)
    fields = model._meta.concrete_fields
    pk = model._meta.pk
    missing = [obj for obj in objects if obj.pk is None]
    if missing:
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, len(missing)],
            )
            for obj, (value,) in zip(missing, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, value)
    now = timezone.now()
    buffer = io.StringIO()
    for obj in objects:
        buffer.write("\t".join(_text(field, obj, now) for field in fields))
        buffer.write("\n")
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN",
            buffer,
        )
    for obj in objects:
        obj._state.adding = False
        obj._state.db = "default"
    return objects


def _text(field, obj, now):
    value = getattr(obj, field.attname)
    if value is None and field.is_relation:
        related = field.get_cached_value(obj, None)
        value = related.pk if related is not None else None
    if getattr(field, "auto_now", False) or (
        value is None and getattr(field, "auto_now_add", False)
    ):
        value = now
    if value is None:
        return "\\N"
    if isinstance(field, models.JSONField):
        return json.dumps(value).translate(ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).translate(ESCAPES)
