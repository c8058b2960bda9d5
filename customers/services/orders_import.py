"""Shop order exports into customers, orders and lines: one transaction per file,
an upsert on (platform, external id), so importing a file twice changes nothing.

An order without a customer id or email (draft, point-of-sale, guest checkout) is
not stored, since an order belongs to a customer; the report lists it and the rest
of the file is imported."""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from core.files import FileProblem, read_limited
from core.models import Cycle
from core.selectors import cycle_current
from customers.importers import FORMATS, MAX_FILE_BYTES, GuestOrder, ImportRefused, OrderRecord, parse_orders
from customers.models import Customer, Order, OrderLine, Product

from .product_mapping import products_automap
from .products import attributes_ensure


@dataclass
class OrdersImportReport:
    file: str
    format: str
    ok: bool = False
    orders_new: int = 0
    orders_updated: int = 0
    orders_unchanged: int = 0
    lines: int = 0
    customers_new: int = 0
    products_new: int = 0
    problems: list[str] = field(default_factory=list)
    # Orders left out because they have no customer id or email.
    guests: list[GuestOrder] = field(default_factory=list)

    def __str__(self):
        if not self.ok:
            return f"{self.file}: refused, nothing stored — " + "; ".join(self.problems)
        text = (
            f"{self.file}: {self.orders_new} new, {self.orders_updated} updated, {self.orders_unchanged} unchanged "
            f"orders ({self.lines} lines stored); {self.customers_new} new customers, {self.products_new} new products"
        )
        if self.guests:
            shown = ", ".join(f"{g.external_id} (line {g.line})" for g in self.guests[:5])
            more = f" and {len(self.guests) - 5} more" if len(self.guests) > 5 else ""
            text += (
                f"; {len(self.guests)} order(s) without an email or customer id not stored "
                f"(draft, point-of-sale or guest orders): {shown}{more}"
            )
        return text


def _signature(placed_at, market, currency, total, lines) -> tuple:
    return (placed_at, market, currency, total, tuple(lines))


def _products_ensure(records: list[OrderRecord], file: str, report: OrdersImportReport) -> dict[str, Product]:
    first: dict[str, tuple] = {}
    for order in records:
        for line in order.lines:
            first.setdefault(line.sku, (line, order))
    products = {p.sku: p for p in Product.objects.filter(sku__in=list(first))}
    missing = [sku for sku in first if sku not in products]
    for sku in missing:
        line, _ = first[sku]
        try:
            attributes = attributes_ensure(names=line.attributes, context=f"SKU {sku}")
        except ValueError as exc:
            raise ImportRefused([FileProblem(file, line.line, "attributes", str(exc))]) from None
        product = Product.objects.create(sku=sku, title=line.title, category=line.category)
        if attributes:
            product.attributes.set(attributes.values())
        products[sku] = product
    report.products_new = len(missing)
    # A new SKU that is a design variant's is that variant: it takes the concept's category and attributes.
    products_automap(products=[products[sku] for sku in missing])
    return products


def _customers_ensure(records: list[OrderRecord], platform: str, report: OrdersImportReport) -> dict[str, int]:
    wanted: dict[str, OrderRecord] = {}
    first_seen = {}
    for order in records:
        wanted.setdefault(order.customer_key, order)
        seen = first_seen.get(order.customer_key)
        first_seen[order.customer_key] = order.placed_at if seen is None else min(seen, order.placed_at)
    ids = dict(
        Customer.objects.filter(platform=platform, external_id__in=list(wanted)).values_list("external_id", "pk")
    )
    new = [
        Customer(
            platform=platform,
            external_id=key,
            email=order.email,
            country=order.market,
            first_seen=first_seen[key],
        )
        for key, order in wanted.items()
        if key not in ids
    ]
    Customer.objects.bulk_create(new, batch_size=500)
    ids.update({c.external_id: c.pk for c in new})
    report.customers_new = len(new)
    return ids


def _store(records: list[OrderRecord], *, platform: str, cycle: Cycle | None, file: str, report: OrdersImportReport):
    products = _products_ensure(records, file, report)
    customers = _customers_ensure(records, platform, report)
    existing = {
        o.external_id: o
        for o in Order.objects.filter(platform=platform, external_id__in=[r.external_id for r in records])
    }
    existing_lines: dict[int, list] = {}
    for order_id, sku, quantity, price in OrderLine.objects.filter(order__in=list(existing.values())).order_by(
        "order_id", "id"
    ).values_list("order_id", "product__sku", "quantity", "unit_price"):
        existing_lines.setdefault(order_id, []).append((sku, quantity, price))

    new_orders, changed = [], []
    for record in records:
        wanted_lines = [(li.sku, li.quantity, li.unit_price) for li in record.lines]
        order = existing.get(record.external_id)
        if order is None:
            new_orders.append((record, Order(
                cycle=cycle,
                customer_id=customers[record.customer_key],
                platform=platform,
                external_id=record.external_id,
                placed_at=record.placed_at,
                market=record.market,
                currency=record.currency,
                total=record.total,
            )))
            continue
        before = _signature(order.placed_at, order.market, order.currency, order.total, existing_lines.get(order.pk, []))
        after = _signature(record.placed_at, record.market, record.currency, record.total, wanted_lines)
        if before == after and order.customer_id == customers[record.customer_key]:
            report.orders_unchanged += 1
            continue
        order.customer_id = customers[record.customer_key]
        order.placed_at, order.market = record.placed_at, record.market
        order.currency, order.total = record.currency, record.total
        order.save(update_fields=["customer", "placed_at", "market", "currency", "total"])
        changed.append((record, order))

    Order.objects.bulk_create([order for _, order in new_orders], batch_size=500)
    if changed:
        OrderLine.objects.filter(order__in=[order for _, order in changed]).delete()
    lines = [
        OrderLine(order=order, product=products[li.sku], quantity=li.quantity, unit_price=li.unit_price)
        for record, order in [*new_orders, *changed]
        for li in record.lines
    ]
    OrderLine.objects.bulk_create(lines, batch_size=500)
    report.orders_new, report.orders_updated, report.lines = len(new_orders), len(changed), len(lines)


def orders_import_file(*, fmt: str, path: str | Path, cycle: Cycle | None = None) -> OrdersImportReport:
    """Import one export; on any problem nothing of the file is stored."""
    path = Path(path)
    report = OrdersImportReport(file=path.name, format=fmt)
    if fmt not in FORMATS:
        report.problems = [f"unknown format {fmt!r}; one of {', '.join(sorted(FORMATS))}"]
        return report
    try:
        data = read_limited(path, max_bytes=MAX_FILE_BYTES, file=path.name)
    except FileProblem as problem:
        report.problems = [problem.message]
        return report
    except OSError as exc:
        report.problems = [f"cannot read the file: {exc.strerror or exc}"]
        return report
    try:
        parsed = parse_orders(data, path.name, fmt)
        with transaction.atomic():
            if parsed.orders:
                _store(parsed.orders, platform=fmt, cycle=cycle, file=path.name, report=report)
    except ImportRefused as exc:
        fresh = OrdersImportReport(file=path.name, format=fmt)
        fresh.problems = [str(p) for p in exc.problems]
        return fresh
    report.guests = parsed.guests
    report.ok = True
    return report


def orders_import(*, fmt: str, paths, cycle: Cycle | None = None) -> list[OrdersImportReport]:
    """Import shop exports, one report per file. New orders join ``cycle`` (default: the newest cycle)."""
    cycle = cycle if cycle is not None else cycle_current()
    return [orders_import_file(fmt=fmt, path=path, cycle=cycle) for path in paths]
