from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """Development data: the demo (``load_demo``), the bilan benchmark (``bench_bilan``) and the
    builder the tests share. Installed only with DEBUG on or under the tests (``DEVDATA=1``)."""

    name = "devdata"
    verbose_name = "Données de développement"
