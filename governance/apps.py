from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Gouvernance"

    def ready(self):
        # Celery's autodiscovery looks for governance.tasks; the bilan's tasks live in its package.
        from .bilan import tasks  # noqa: F401
