from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Orientations"

    def ready(self):
        from beneficiaries import retention, timeline

        from . import retention as referral_retention
        from .timeline import source

        timeline.register(source)
        retention.register(referral_retention.erase)
