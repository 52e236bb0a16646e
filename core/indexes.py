"""Index migrations for big tables: built ``CONCURRENTLY`` on PostgreSQL (no lock on writes while
the index builds), plainly elsewhere (SQLite in development and tests).

A migration that uses them sets ``atomic = False`` (PostgreSQL builds a concurrent index outside
any transaction).
"""

from django.db import migrations


def add_index(model_name, index):
    """``AddIndex``, concurrently on PostgreSQL."""

    def forwards(apps, schema_editor):
        _build(schema_editor, apps.get_model(model_name), index)

    def backwards(apps, schema_editor):
        model = apps.get_model(model_name)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(model, index, concurrently=True)
        else:
            schema_editor.remove_index(model, index)

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AddIndex(model_name.split(".")[1], index)],
        database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
    )


def _build(schema_editor, model, index):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(model, index, concurrently=True)
    else:
        schema_editor.add_index(model, index)


def postgresql_only(sql, reverse_sql):
    """Raw SQL run on PostgreSQL only (an extension, an operator-class index the model state
    need not know): nothing happens on SQLite."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql)

    return migrations.RunPython(forwards, backwards, elidable=False)
