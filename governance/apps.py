from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Gouvernance"

    def ready(self):
        # Celery's autodiscovery looks for governance.tasks; the bilan's tasks live in its package.
        from . import invitations  # noqa: F401 (the meeting invitations task)
        from .bilan import tasks  # noqa: F401
