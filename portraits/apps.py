from django.apps import AppConfig


class PortraitsConfig(AppConfig):
    name = "portraits"

    def ready(self):
        from core.dashboard.figures import figures_warmer_register

        from . import lineage
        from .selectors_channels import channel_mix_warm

        lineage.register()
        figures_warmer_register("portraits", channel_mix_warm)
