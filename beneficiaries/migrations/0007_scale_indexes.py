"""Indexes of the national scale (issue "Scale"), built concurrently on PostgreSQL:

- the files in name order, anonymised files left out (their empty names sorted first: every
  first page of the list walked through all of them);
- the files of a directorate by CIR date (statistics of a department-year);
- trigram search on the name key (pg_trgm, PostgreSQL only: ``LIKE '%word%'`` uses it).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from core.indexes import add_index, postgresql_only


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("beneficiaries", "0006_search_key_filled_and_indexed_concurrently")]

    operations = [
        TrigramExtension(),
        add_index(
            "beneficiaries.Beneficiary",
            models.Index(
                fields=["last_name", "first_name", "id"],
                condition=models.Q(anonymised_at__isnull=True),
                name="beneficiary_visible_name",
            ),
        ),
        add_index(
            "beneficiaries.Beneficiary",
            models.Index(fields=["ofii_organisation", "cir_signed_on"], name="beneficiary_org_cir"),
        ),
        postgresql_only(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS beneficiary_search_trgm "
            "ON beneficiaries_beneficiary USING gin (search_key gin_trgm_ops) "
            "WHERE anonymised_at IS NULL",
            "DROP INDEX CONCURRENTLY IF EXISTS beneficiary_search_trgm",
        ),
    ]
