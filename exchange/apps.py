from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = "Échanges de données"

    def ready(self):
        from . import signals

        signals.connect()
