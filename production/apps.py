from django.apps import AppConfig


class ProductionConfig(AppConfig):
    name = "production"

    def ready(self):
        from . import lineage, signals
        from .api import schema  # noqa: F401  registers the Api-Key scheme with drf-spectacular

        signals.connect()
        lineage.register()
