from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"

    def ready(self):
        from core.dashboard.figures import figures_warmer_register

        from . import lineage
        from .selectors import sales_figures_warm

        lineage.register()
        figures_warmer_register("customers", sales_figures_warm)
