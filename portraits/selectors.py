"""Reads of link 8: the order-line frame portraits are built from, runs, segments, briefs."""

from collections import defaultdict

import pandas as pd
from django.db.models import QuerySet

from core.models import Cycle
from customers.models import OrderLine, Product

from .models import Brief, PortraitRun, Segment

FRAME_COLUMNS = [
    "customer_id", "placed_at", "order_id", "quantity", "unit_price", "market",
    "currency", "category", "product_id", "attributes",
]


def order_lines_frame(*, cycle: Cycle) -> pd.DataFrame:
    """One row per order line of the cycle's orders, with the product's attribute names.

    Two queries whatever the number of lines: the lines with their order and
    product joined, then the attribute names of the products those lines use.
    """
    rows = list(
        OrderLine.objects.filter(order__cycle=cycle)
        .order_by("order__customer_id", "order_id", "id")
        .values_list(
            "order__customer_id", "order__placed_at", "order_id", "quantity", "unit_price",
            "order__market", "order__currency", "product__category", "product_id",
        )
    )
    through = Product.attributes.through
    names: dict[int, list[str]] = defaultdict(list)
    for product_id, name in (
        through.objects.filter(product__order_lines__order__cycle=cycle)
        .distinct()
        .order_by("product_id", "attribute__name")
        .values_list("product_id", "attribute__name")
    ):
        names[product_id].append(name)
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS[:-1])
    frame["attributes"] = [list(names.get(pid, [])) for pid in frame["product_id"]]
    return frame


def portrait_run_latest(*, cycle: Cycle) -> PortraitRun | None:
    """The run shown for a cycle: the newest run that finished; an older run finishing
    later never replaces it."""
    return PortraitRun.objects.filter(cycle=cycle, status=PortraitRun.Status.DONE).order_by("-id").first()


def portrait_run_list(*, cycle: Cycle | None = None) -> QuerySet[PortraitRun]:
    runs = PortraitRun.objects.select_related("cycle")
    return runs.filter(cycle=cycle) if cycle is not None else runs


def segment_list(*, run: PortraitRun) -> QuerySet[Segment]:
    return Segment.objects.filter(run=run).select_related("brief").order_by("-size", "label")


def brief_list(*, run: PortraitRun | None = None, for_cycle: Cycle | None = None) -> QuerySet[Brief]:
    briefs = Brief.objects.select_related("segment", "run", "for_cycle")
    if run is not None:
        briefs = briefs.filter(run=run)
    if for_cycle is not None:
        briefs = briefs.filter(for_cycle=for_cycle)
    return briefs
