from django.apps import AppConfig


class DesignConfig(AppConfig):
    name = "design"

    def ready(self):
        from . import lineage

        lineage.register()
