"""A page of the factory's order list built from database rows instead of model instances.

The JSON is ``FactoryOrderSerializer``'s, which stays the documented schema;
``production/tests/test_api_order_rows.py`` holds the two equal. A page of 50 orders
renders several times faster this way: no model instances, no per-field lookups.
"""

from collections import defaultdict
from functools import cache

from django.db.models import QuerySet

from production.models import ProductionOrder, ProductionOrderLine

from .serializers import QC_STANDARD, FactoryOrderSerializer

ORDER_COLUMNS = (
    "id", "reference", "status", "unit_price", "currency", "incoterm", "due_date",
    "packaging_instructions", "labelling_instructions", "aql_major", "aql_minor",
    "qty_cut", "qty_sewn", "qty_packed", "created_at", "updated_at",
    "sample__concept__name", "sample__concept__category", "sample__version", "sample__spec",
)
LINE_COLUMNS = ("order_id", "variant__sku", "variant__colour", "variant__size", "variant__material", "market", "quantity")


def order_rows(queryset: QuerySet[ProductionOrder]) -> QuerySet:
    """``queryset``'s orders as rows of the columns a list page shows (its filters and order kept)."""
    return queryset.prefetch_related(None).values(*ORDER_COLUMNS)


@cache
def _typed_fields():
    # The serializer's own fields turn decimals, dates and times into text exactly as it does.
    fields = FactoryOrderSerializer().fields
    return {name: fields[name].to_representation for name in ("unit_price", "due_date", "created_at", "updated_at")}


def represent_orders(rows: list[dict]) -> list[dict]:
    """The list's JSON for ``rows`` from ``order_rows``, their lines read in one query."""
    lines = defaultdict(list)
    for line in ProductionOrderLine.objects.filter(order_id__in=[row["id"] for row in rows]).values_list(*LINE_COLUMNS):
        lines[line[0]].append(line[1:])
    typed = _typed_fields()
    transitions = ProductionOrder.ALLOWED_TRANSITIONS
    page = []
    for row in rows:
        order_lines = [
            {"sku": sku, "colour": colour, "size": size, "material": material, "market": market, "quantity": quantity}
            for sku, colour, size, material, market, quantity in lines[row["id"]]
        ]
        page.append({
            "id": row["id"],
            "reference": row["reference"],
            "status": row["status"],
            "next_statuses": [str(status) for status in transitions.get(row["status"], ())],
            "product": {
                "name": row["sample__concept__name"],
                "category": row["sample__concept__category"],
                "sample_version": row["sample__version"],
                "spec": row["sample__spec"],
            },
            "quantity": sum(line["quantity"] for line in order_lines),
            "lines": order_lines,
            "unit_price": typed["unit_price"](row["unit_price"]),
            "currency": row["currency"],
            "incoterm": row["incoterm"],
            "due_date": None if row["due_date"] is None else typed["due_date"](row["due_date"]),
            "packaging_instructions": row["packaging_instructions"],
            "labelling_instructions": row["labelling_instructions"],
            "qc_criteria": {
                "standard": QC_STANDARD,
                "critical": 0,
                "aql_major": row["aql_major"],
                "aql_minor": row["aql_minor"],
            },
            "progress": {"cut": row["qty_cut"], "sewn": row["qty_sewn"], "packed": row["qty_packed"]},
            "created_at": typed["created_at"](row["created_at"]),
            "updated_at": typed["updated_at"](row["updated_at"]),
        })
    return page
