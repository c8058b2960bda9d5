from django.apps import AppConfig


class C2fConfig(AppConfig):
    name = "c2f"

    def ready(self):
        from .dashboard import audience

        audience.register()
