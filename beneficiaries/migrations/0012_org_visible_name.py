"""The visible files of a directorate in name order, built concurrently on PostgreSQL: the deep
pages of the list read the ids of a page from this index alone (core.pagination); at national
scale page 100 read the 98,000 rows of the department's directorates from the table instead
(bench/RESULTS.md)."""

from django.db import migrations, models

from core.indexes import add_index


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("beneficiaries", "0011_admin_names")]

    operations = [
        add_index(
            "beneficiaries.Beneficiary",
            models.Index(
                fields=["ofii_organisation", "last_name", "first_name", "id"],
                condition=models.Q(anonymised_at__isnull=True),
                name="beneficiary_org_visible_name",
            ),
        ),
    ]
