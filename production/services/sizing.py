"""What a first batch is planned with: the money (what a sold unit earns, what an unsold one loses)
and the factory's defaults for an order (due date, unit price)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from design.models import Concept
from design.selectors import concept_market_costs

from ..models import Factory

_CENT = Decimal("0.01")


def sizing_money_for_concept(*, concept: Concept) -> dict:
    """Unit margin and cost of an unsold unit by sea, averaged over the concept's target markets.

    Both come from the design app's landed-cost figures for sea freight. An unsold unit
    costs its landed cost less what clearance brings back (``settings.C2F_SALVAGE_SHARE``
    of it). Returns ``{"unit_margin": Decimal, "unsold_cost": Decimal}`` rounded to cents,
    ready to hand to ``production_order_plan``; returns ``{}`` when no market has sea
    figures or when the averages leave no margin or no loss, in which case the batch is
    sized from the votes alone (or the merchandiser enters the two amounts by hand).
    """
    sea = [row["modes"]["sea"] for row in concept_market_costs(concept=concept) if "sea" in row["modes"]]
    if not sea:
        return {}
    margin = sum(Decimal(str(figures["margin"])) for figures in sea) / len(sea)
    landed = sum(Decimal(str(figures["landed"])) for figures in sea) / len(sea)
    unsold = landed * (1 - Decimal(str(settings.C2F_SALVAGE_SHARE)))
    if margin <= 0 or unsold <= 0:
        return {}
    return {"unit_margin": margin.quantize(_CENT), "unsold_cost": unsold.quantize(_CENT)}


def factory_makes_category(*, factory: Factory, category: str) -> bool:
    """Whether ``factory`` lists ``category`` among the categories it makes (case and spaces ignored)."""
    wanted = (category or "").strip().lower()
    return bool(wanted) and any(
        isinstance(c, str) and c.strip().lower() == wanted for c in factory.categories or []
    )


def factory_order_defaults(*, factory: Factory, concept: Concept) -> dict:
    """The due date and unit price an order for ``concept`` from ``factory`` gets when none is given.

    Due: today plus the factory's lead time. Price: the factory's price-list entry for the
    concept's category, else the concept's unit cost; ``unit_price_source`` says which.
    """
    price = None
    wanted = (concept.category or "").strip().lower()
    for category, amount in (factory.price_list or {}).items():
        if isinstance(category, str) and category.strip().lower() == wanted:
            try:
                quoted = Decimal(str(amount))
            except ArithmeticError:
                break
            if quoted.is_finite() and quoted >= 0:
                price = quoted.quantize(_CENT)
            break
    return {
        "due_date": timezone.localdate() + datetime.timedelta(days=factory.lead_time_days),
        "unit_price": price if price is not None else concept.unit_cost,
        "unit_price_source": "factory price list" if price is not None else "concept unit cost",
    }
