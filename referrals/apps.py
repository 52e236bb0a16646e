from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Orientations"

    def ready(self):
        from beneficiaries import actions, queries, timeline

        from . import retention
        from .models import Referral
        from .timeline import source

        timeline.register(source)
        actions.register_eraser(retention.erase)
        queries.register_open_referral_files(
            lambda: Referral.objects.open().values("beneficiary_id")
        )
