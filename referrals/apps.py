from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Orientations"

    def ready(self):
        from beneficiaries.timeline import register

        from .timeline import source

        register(source)
