from core.models import Cycle

from .models import Opportunity


def opportunities_ranked(*, cycle: Cycle):
    return Opportunity.objects.filter(cycle=cycle).prefetch_related("attributes").order_by("rank")


def opportunity_top(*, cycle: Cycle) -> Opportunity | None:
    return opportunities_ranked(cycle=cycle).first()
