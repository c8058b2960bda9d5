"""Shop orders that deliver pre-orders: an imported order that matches an open pre-order fulfils it through
production's own transition (``production.services.pre_order_fulfil``), so batch sizing stops counting it.

An order matches a pre-order of one of its SKUs when the pre-order's reference is the order's id on the
same shop (channel), or when the pre-order was taken from the same customer (its email). Cancelled and
voided orders fulfil nothing; each pre-order is fulfilled once.
"""

from customers.importers import OrderRecord
from customers.importers.records import VOIDED
from production.selectors import pre_orders_open_for_skus
from production.services import pre_order_fulfil


def pre_orders_fulfil_for(*, records: list[OrderRecord], order_ids: dict[str, int], platform: str, actor: str) -> int:
    """Fulfil the open pre-orders ``records`` deliver; returns how many. Two queries when nothing matches."""
    selling = [r for r in records if not r.cancelled and r.financial_status != VOIDED and r.external_id in order_ids]
    skus = {line.sku for record in selling for line in record.lines if line.sku}
    open_pre_orders = pre_orders_open_for_skus(skus=skus)
    if not open_pre_orders:
        return 0
    by_reference: dict[tuple[str, str], list[dict]] = {}
    by_customer: dict[tuple[str, str], list[dict]] = {}
    for pre_order in open_pre_orders:
        by_reference.setdefault((pre_order["reference"], pre_order["sku"]), []).append(pre_order)
        customer = pre_order["customer"].strip().casefold()
        if customer:
            by_customer.setdefault((customer, pre_order["sku"]), []).append(pre_order)
    fulfilled: set[int] = set()
    for record in selling:
        for line in record.lines:
            candidates = [p for p in by_reference.get((record.external_id, line.sku), []) if p["channel"] == platform]
            if not candidates and record.email:
                candidates = by_customer.get((record.email.casefold(), line.sku), [])
            for pre_order in candidates:
                if pre_order["id"] in fulfilled:
                    continue
                moved = pre_order_fulfil(
                    pre_order_id=pre_order["id"], actor=actor,
                    note=f"fulfilled by {platform} order {record.external_id} (order #{order_ids[record.external_id]})",
                )
                if moved is not None:
                    fulfilled.add(pre_order["id"])
    return len(fulfilled)
