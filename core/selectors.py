from .models import Cycle


def cycle_current() -> Cycle | None:
    """The newest cycle: the one the dashboard opens on."""
    return Cycle.objects.order_by("-number").first()
