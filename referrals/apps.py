from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Orientations"

    def ready(self):
        from beneficiaries import actions, liaison, queries, timeline
        from partners import exports as export_jobs

        from . import exports, retention
        from .liaison import partner_source
        from .models import Referral
        from .timeline import source

        timeline.register(source)
        export_jobs.register(exports.SOURCE)
        actions.register_eraser(retention.erase)
        liaison.register_partner_source(partner_source)
        queries.register_open_referral_files(
            lambda: Referral.objects.open().values("beneficiary_id")
        )
