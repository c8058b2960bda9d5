from django.apps import AppConfig


class PortraitsConfig(AppConfig):
    name = "portraits"

    def ready(self):
        from . import lineage

        lineage.register()
