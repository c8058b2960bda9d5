from core.models import Cycle

from .models import Concept


def concepts_for_cycle(*, cycle: Cycle):
    return Concept.objects.filter(cycle=cycle).prefetch_related("variants", "attributes")
