"""Fills ``Beneficiary.search_key`` in batches (each its own short transaction) and builds its
index concurrently on PostgreSQL (``CREATE INDEX CONCURRENTLY``: reads and writes go on while it
is built). On a database where the former 0002 already did both, this finds nothing to fill and
the index exists: nothing happens.

Any later index on a large table follows this pattern: ``atomic = False`` and
``django.contrib.postgres.operations.AddIndexConcurrently`` (``concurrent_index`` below for a
field's ``db_index``), with a plain index on SQLite.
"""

from django.db import migrations

BATCH = 2000


def fill_search_keys(apps, schema_editor):
    from django.db import transaction

    from beneficiaries.models import name_key

    Beneficiary = apps.get_model("beneficiaries", "Beneficiary")
    todo = Beneficiary.objects.filter(search_key="").order_by("pk")
    last = 0
    while True:
        rows = list(todo.filter(pk__gt=last).values_list("pk", "last_name", "first_name")[:BATCH])
        if not rows:
            return
        with transaction.atomic():
            for pk, last_name, first_name in rows:
                Beneficiary.objects.filter(pk=pk).update(search_key=name_key(last_name, first_name))
        last = rows[-1][0]


def concurrent_index(app_label, model_name, field_name):
    """The index Django names for a field's ``db_index``, built concurrently on PostgreSQL."""

    def create(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        table = model._meta.db_table
        column = model._meta.get_field(field_name).column
        name = schema_editor._create_index_name(table, [column])
        concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"CREATE INDEX {concurrently}IF NOT EXISTS {quote(name)} "
            f"ON {quote(table)} ({quote(column)})"
        )
        if concurrently:  # and the LIKE index PostgreSQL gets for a varchar's db_index
            like = schema_editor._create_index_name(table, [column], suffix="_like")
            schema_editor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {quote(like)} "
                f"ON {quote(table)} ({quote(column)} varchar_pattern_ops)"
            )

    return create


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("beneficiaries", "0005_import_job_alive_at")]

    operations = [
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop, atomic=False),
        migrations.RunPython(
            concurrent_index("beneficiaries", "Beneficiary", "search_key"),
            migrations.RunPython.noop,
            atomic=False,
        ),
    ]
