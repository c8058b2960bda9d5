from django.apps import AppConfig


class SamplesConfig(AppConfig):
    name = "samples"

    def ready(self):
        from . import lineage

        lineage.register()
