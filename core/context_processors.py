from django.conf import settings

from .models import Cycle


def c2f(request):
    def demo_data() -> bool:
        # Evaluated only when a page shows the banner, at most once per request.
        if not hasattr(request, "_c2f_demo_data"):
            current = Cycle.objects.order_by("-number").values_list("is_demo", flat=True).first()
            request._c2f_demo_data = bool(current)
        return request._c2f_demo_data

    return {
        "C2F_DEBUG": settings.DEBUG, "c2f_demo_data": demo_data,
        "c2f_base_currency": getattr(settings, "C2F_BASE_CURRENCY", "USD"),
    }
