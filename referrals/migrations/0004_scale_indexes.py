"""Index of the national scale (issue "Scale"), built concurrently on PostgreSQL: the referrals an
organisation sent, by date (the OFII inbox and API lists, the statistics of a department-year)."""

from django.db import migrations, models

from core.indexes import add_index


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("referrals", "0003_caseload_thread_documents_review")]

    operations = [
        add_index(
            "referrals.Referral",
            models.Index(fields=["from_organisation", "sent_at"], name="referral_from_sent"),
        ),
        add_index(
            "referrals.Referral",
            models.Index(fields=["to_organisation", "sent_at"], name="referral_to_sent"),
        ),
    ]
