from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"

    def ready(self):
        from django.db.models.signals import post_delete

        from core.dashboard.figures import figures_warmer_register

        from . import lineage
        from .models import Order
        from .selectors import orders_deleted_count, sales_figures_warm

        lineage.register()
        figures_warmer_register("customers", sales_figures_warm)
        post_delete.connect(orders_deleted_count, sender=Order, dispatch_uid="customers.orders_deleted_count")
