from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Gouvernance"

    def ready(self):
        # Celery's autodiscovery looks for governance.tasks; the bilan's tasks live in its package.
        # Programme entries on the person's timeline (beneficiaries cannot import governance).
        from beneficiaries import timeline

        from . import invitations  # noqa: F401 (the meeting invitations task)
        from .bilan import tasks  # noqa: F401
        from .life import digest  # noqa: F401 (the monthly news digest tasks)
        from .life.timeline import programme_source

        timeline.register(programme_source)
