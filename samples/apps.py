from django.apps import AppConfig


class SamplesConfig(AppConfig):
    name = "samples"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from . import lineage

        lineage.register()
