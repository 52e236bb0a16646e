from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Orientations"

    def ready(self):
        from beneficiaries import actions, queries, timeline
        from partners import exports as export_jobs

        from . import exports, retention
        from .models import Referral
        from .timeline import source

        timeline.register(source)
        export_jobs.register(exports.SOURCE)
        actions.register_eraser(retention.erase)
        queries.register_open_referral_files(
            lambda: Referral.objects.open().values("beneficiary_id")
        )
