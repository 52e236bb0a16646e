from django.apps import AppConfig


class BeneficiariesConfig(AppConfig):
    name = "beneficiaries"
    verbose_name = "Bénéficiaires"

    def ready(self):
        from partners import exports as export_jobs

        from . import (
            exports,
            timeline_sources,  # noqa: F401  (registers this app's timeline sources)
        )

        export_jobs.register(exports.SOURCE)
