"""PostgreSQL only: a large batch of order records stored through COPY, with the same rules and counts as the
ORM path in ``orders_store``.

New customers and new orders get their ids from their tables' sequences up front (one query each), so
they and their lines are COPYed straight into the tables. Orders already stored are read back with one
join against a temporary table of the batch's order ids and compared with what the batch says; the
changed ones are rewritten with one UPDATE from a temporary table, their lines replaced when they differ.
New customers' order figures are worked out here; known customers' are refreshed in SQL.
"""

import io
from datetime import datetime

from django.db import connection
from django.utils import timezone

from customers.importers import OrderRecord
from customers.models import Customer, Order

from .orders_store import ORDER_FIELDS, StoreResult, customers_plan, erased_key, prepare

NULL = "\\N"
_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
ORDER_COLUMNS = (
    "id", "cycle_id", "platform", "external_id", "tracked_link_id", "is_demo", "updated_at", *ORDER_FIELDS,
)
CUSTOMER_COLUMNS = (
    "id", "platform", "external_id", "email", "name", "country", "first_seen", "marketing_consent", "consent_source",
    "consent_updated_at", "first_order_at", "last_order_at", "order_count", "net_spend_base", "erased_at", "is_demo",
)
LINE_COLUMNS = ("order_id", "product_id", "quantity", "unit_price", "discount", "amount", "amount_base")


def _cell(value) -> str:
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPE)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _copy(cursor, table: str, columns: tuple[str, ...], buffer: io.StringIO) -> None:
    buffer.seek(0)
    cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def _ids(cursor, table: str, count: int) -> list[int]:
    """``count`` fresh ids from ``table``'s id sequence (safe beside other writers: nextval never repeats)."""
    if not count:
        return []
    cursor.execute(
        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [count]
    )
    return [row[0] for row in cursor.fetchall()]


def _temp_keys(cursor, name: str, keys) -> None:
    cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} (key text) ON COMMIT DROP")
    cursor.execute(f"TRUNCATE {name}")
    buffer = io.StringIO("".join(f"{_cell(key)}\n" for key in keys))
    cursor.cursor.copy_expert(f"COPY {name} (key) FROM STDIN", buffer)


def _customers(cursor, records: list[OrderRecord], *, platform: str, source: str, is_demo: bool, result: StoreResult):
    keys = {r.customer_key for r in records if r.customer_key}
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM customers_customer WHERE platform = %s AND erased_at IS NOT NULL)", [platform]
    )
    tombstones = {erased_key(key): key for key in keys} if cursor.fetchone()[0] else {}
    found: dict[str, Customer] = {}
    cursor.execute("SELECT EXISTS (SELECT 1 FROM customers_customer WHERE platform = %s)", [platform])
    if cursor.fetchone()[0]:
        _temp_keys(cursor, "customers_key_in", [*keys, *tombstones])
        known = Customer.objects.raw(
            "SELECT c.* FROM customers_customer c JOIN customers_key_in k ON c.external_id = k.key WHERE c.platform = %s",
            [platform],
        )
        for customer in known:
            found[tombstones.get(customer.external_id, customer.external_id)] = customer
    new, changed, events = customers_plan(records, found, platform=platform, source=source, is_demo=is_demo)
    ids = {key: customer.pk for key, customer in found.items()}
    for customer, pk in zip(new, _ids(cursor, "customers_customer", len(new))):
        customer.pk = pk
        ids[customer.external_id] = pk
    result.customers_new = len(new)
    return ids, new, changed, events, set(found)


def _new_customer_figures(new: list[Customer], prepared_orders) -> None:
    by_key = {customer.external_id: customer for customer in new}
    for prepared in prepared_orders:
        customer = by_key.get(prepared.record.customer_key)
        if customer is None or not prepared.amounts.is_sale:
            continue
        placed = prepared.record.placed_at
        if customer.first_order_at is None or placed < customer.first_order_at:
            customer.first_order_at = placed
        if customer.last_order_at is None or placed > customer.last_order_at:
            customer.last_order_at = placed
        customer.order_count += 1
        if prepared.values["net_base"] is not None:
            customer.net_spend_base += prepared.values["net_base"]


def _existing_orders(cursor, records: list[OrderRecord], platform: str) -> dict[str, dict]:
    cursor.execute("SELECT EXISTS (SELECT 1 FROM customers_order WHERE platform = %s)", [platform])
    if not cursor.fetchone()[0]:
        return {}
    _temp_keys(cursor, "customers_order_key_in", [r.external_id for r in records])
    columns = ("id", "external_id", *ORDER_FIELDS)
    cursor.execute(
        f"SELECT {', '.join('o.' + c for c in columns)} FROM customers_order o "
        "JOIN customers_order_key_in k ON o.external_id = k.key WHERE o.platform = %s",
        [platform],
    )
    return {row[1]: dict(zip(columns, row)) for row in cursor.fetchall()}


def orders_upsert_copy(
    records: list[OrderRecord], *, platform: str, cycle, product_ids: dict[str, int], rates: dict, result: StoreResult,
    is_demo: bool = False, source: str = "import",
) -> set[int]:
    """Store ``records``; returns the ids of the known customers whose figures need refreshing."""
    now = timezone.now()
    cycle_id = cycle.pk if cycle is not None else None
    with connection.cursor() as cursor:
        customer_ids, new_customers, changed_customers, events, known_keys = _customers(
            cursor, records, platform=platform, source=source, is_demo=is_demo, result=result,
        )
        existing = _existing_orders(cursor, records, platform)
        fresh, updates, rewrite = [], [], []
        for record in records:
            stored = existing.get(record.external_id)
            rate = rates[record.currency]
            if stored is not None:
                if record.updated_at and stored["source_updated_at"] and record.updated_at < stored["source_updated_at"]:
                    result.stale += 1
                    result.order_ids[record.external_id] = stored["id"]
                    continue
                if stored["fx_rate"] is not None and stored["currency"] == record.currency:
                    rate = stored["fx_rate"]
            prepared = prepare(record, customer_id=customer_ids.get(record.customer_key), product_ids=product_ids, rate=rate)
            if stored is None:
                fresh.append(prepared)
                continue
            values = prepared.values
            if values["source_updated_at"] is None:
                values["source_updated_at"] = stored["source_updated_at"]
            result.order_ids[record.external_id] = stored["id"]
            if all(stored[name] == values[name] for name in ORDER_FIELDS):
                result.unchanged += 1
                continue
            updates.append((stored["id"], prepared))
            if stored["lines_digest"] != values["lines_digest"] or stored["fx_rate"] != rate:
                rewrite.append((stored["id"], prepared))

        _new_customer_figures(new_customers, fresh)
        buffer = io.StringIO()
        write = buffer.write
        for customer in new_customers:
            write("\t".join(_cell(getattr(customer, c if c != "id" else "pk")) for c in CUSTOMER_COLUMNS) + "\n")
        _copy(cursor, "customers_customer", CUSTOMER_COLUMNS, buffer)
        if changed_customers:
            Customer.objects.bulk_update(
                changed_customers,
                ["first_seen", "name", "country", "marketing_consent", "consent_source", "consent_updated_at"],
                batch_size=500,
            )
        if events:
            from customers.models import CustomerEvent

            CustomerEvent.objects.bulk_create(events, batch_size=500)

        order_ids = _ids(cursor, "customers_order", len(fresh))
        orders_buffer, lines_buffer = io.StringIO(), io.StringIO()
        write_order, write_line = orders_buffer.write, lines_buffer.write
        stamp = now.isoformat()
        fixed = f"\t{_cell(cycle_id)}\t{_cell(platform)}\t"
        tail = f"\t{NULL}\t{'t' if is_demo else 'f'}\t{stamp}\t"
        for pk, prepared in zip(order_ids, fresh):
            values = prepared.values
            external_id = prepared.record.external_id
            write_order(f"{pk}{fixed}{_cell(external_id)}{tail}")
            write_order("\t".join([_cell(values[name]) for name in ORDER_FIELDS]))
            write_order("\n")
            result.order_ids[external_id] = pk
            for product_id, quantity, price, discount, amount, amount_base in prepared.lines:
                write_line(f"{pk}\t{product_id}\t{quantity}\t{price}\t{discount}\t{amount}\t{_cell(amount_base)}\n")
        _copy(cursor, "customers_order", ORDER_COLUMNS, orders_buffer)

        if updates:
            columns = ("id", "updated_at", *ORDER_FIELDS)
            cursor.execute(
                f"CREATE TEMPORARY TABLE customers_order_upd ON COMMIT DROP AS SELECT {', '.join(columns)} "
                "FROM customers_order WITH NO DATA"
            )
            upd = io.StringIO()
            for pk, prepared in updates:
                upd.write(f"{pk}\t{stamp}\t" + "\t".join(_cell(prepared.values[name]) for name in ORDER_FIELDS) + "\n")
            _copy(cursor, "customers_order_upd", columns, upd)
            assignments = ", ".join(f"{name} = u.{name}" for name in ("updated_at", *ORDER_FIELDS))
            cursor.execute(f"UPDATE customers_order o SET {assignments} FROM customers_order_upd u WHERE o.id = u.id")
        if rewrite:
            cursor.execute("DELETE FROM customers_orderline WHERE order_id = ANY(%s)", [[pk for pk, _ in rewrite]])
            for pk, prepared in rewrite:
                for product_id, quantity, price, discount, amount, amount_base in prepared.lines:
                    write_line(f"{pk}\t{product_id}\t{quantity}\t{price}\t{discount}\t{amount}\t{_cell(amount_base)}\n")
        _copy(cursor, "customers_orderline", LINE_COLUMNS, lines_buffer)

    result.new, result.updated = len(fresh), len(updates)
    result.lines = sum(len(p.lines) for p in fresh) + sum(len(p.lines) for _, p in rewrite)
    return {customer_ids[key] for key in known_keys if key in customer_ids}
