from django.apps import AppConfig


class BeneficiariesConfig(AppConfig):
    name = "beneficiaries"
    verbose_name = "Bénéficiaires"

    def ready(self):
        from . import timeline_sources  # noqa: F401  (registers this app's timeline sources)
