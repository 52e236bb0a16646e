"""Incremental sync (API ``updated_since``): ``updated_at`` on the rows partners synchronise, and
an index on (updated_at, id), the order of the sync cursor. The fields are added with one default
(no table rewrite on PostgreSQL); the indexes are built concurrently on PostgreSQL
(``atomic = False``, as 0006 of beneficiaries explains)."""

from django.conf import settings
from django.db import migrations, models


def sync_index(app_label, model_name, name):
    """AddIndex in the state; CREATE INDEX CONCURRENTLY on PostgreSQL, a plain one elsewhere."""

    def create(apps, schema_editor):
        table = apps.get_model(app_label, model_name)._meta.db_table
        concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"CREATE INDEX {concurrently}IF NOT EXISTS {quote(name)} "
            f"ON {quote(table)} ({quote('updated_at')}, {quote('id')})"
        )

    def drop(apps, schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AddIndex(
                model_name=model_name,
                index=models.Index(fields=["updated_at", "id"], name=name),
            )
        ],
        database_operations=[migrations.RunPython(create, drop)],
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('beneficiaries', '0007_scale_indexes'),
        ('partners', '0007_sync_updated_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='interview',
            name='updated_at',
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.AddField(
            model_name='qualification',
            name='updated_at',
            field=models.DateTimeField(auto_now=True),
        ),
        sync_index('beneficiaries', 'beneficiary', 'beneficiary_sync_idx'),
        sync_index('beneficiaries', 'interview', 'interview_sync_idx'),
        sync_index('beneficiaries', 'qualification', 'qualification_sync_idx'),
    ]
