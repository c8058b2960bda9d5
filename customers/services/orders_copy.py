"""PostgreSQL only: a large batch of order records stored through COPY, with the same rules and counts as the
ORM path in ``orders_store``.

New customers and new orders get their ids from their tables' sequences up front (one query each), so
they and their lines are COPYed straight into the tables, in chunks that a second thread sends while
this one works out and formats the next (foreign keys are checked at commit, so new customers can
follow their orders, their figures complete). Orders already stored are read back with one join against a temporary table of the batch's
order ids and compared with what the batch says; the changed ones are rewritten with one UPDATE from a
temporary table, their lines replaced when they differ. New customers' order figures are worked out
here; known customers' are refreshed in SQL.
"""

import io
import queue
import threading
from datetime import datetime

from django.db import connection
from django.utils import timezone

from customers.importers import OrderRecord
from customers.models import Customer, Order

from .orders_store import KEPT_WHEN_UNSAID, ORDER_FIELDS, StoreResult, customers_plan, erased_key, prepare

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


CHUNK_ORDERS = 5_000


class _CopySender(threading.Thread):
    """Sends COPY chunks on the transaction's connection while the caller formats the next ones.

    The caller does not touch the connection until ``finish``; psycopg2 lets go of the interpreter while
    the server reads a chunk, so formatting and storing overlap. An error in a COPY is raised by the
    next ``send`` or by ``finish``, and the transaction rolls back.
    """

    def __init__(self, cursor):
        super().__init__(daemon=True)
        self.cursor = cursor
        self.chunks: queue.Queue = queue.Queue(maxsize=3)
        self.error: BaseException | None = None

    def run(self):
        while True:
            chunk = self.chunks.get()
            if chunk is None:
                return
            if self.error is None:
                table, columns, text = chunk
                try:
                    self.cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", io.StringIO(text))
                except BaseException as exc:  # handed to the caller's thread
                    self.error = exc

    def send(self, table: str, columns: tuple[str, ...], text: str) -> None:
        if self.error is not None:
            raise self.error
        if text:
            self.chunks.put((table, columns, text))

    def finish(self) -> None:
        self.chunks.put(None)
        self.join()
        if self.error is not None:
            raise self.error


def _order_row(pk: int, head: str, external_id: str, tail: str, v: dict) -> str:
    """One new order's COPY line, in ``ORDER_COLUMNS`` order (the same values ``_cell`` would write)."""
    cancelled_at, fx_rate, customer_id, updated = v["cancelled_at"], v["fx_rate"], v["customer_id"], v["source_updated_at"]
    gross_base, net_base, refunded_base = v["gross_base"], v["net_base"], v["refunded_base"]
    return (
        f"{pk}{head}{external_id.translate(_ESCAPE)}{tail}{v['placed_at'].isoformat()}\t{v['market']}\t{v['currency']}\t"
        f"{v['financial_status']}\t{v['fulfillment_status']}\t{'t' if v['cancelled'] else 'f'}\t"
        f"{NULL if cancelled_at is None else cancelled_at.isoformat()}\t{'t' if v['is_sale'] else 'f'}\t"
        f"{v['subtotal']}\t{v['discount']}\t{v['shipping']}\t{v['taxes']}\t{v['total']}\t{v['refunded']}\t{v['gross']}\t"
        f"{v['net']}\t{NULL if fx_rate is None else fx_rate}\t{NULL if gross_base is None else gross_base}\t"
        f"{NULL if net_base is None else net_base}\t{NULL if refunded_base is None else refunded_base}\t{v['item_count']}\t"
        f"{NULL if customer_id is None else customer_id}\t{NULL if updated is None else updated.isoformat()}\t"
        f"{v['lines_digest']}\t{v['landing_url'].translate(_ESCAPE)}\t{v['referring_site'].translate(_ESCAPE)}\n"
    )


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


def _count_sale(customer: Customer, placed: datetime, net_base) -> None:
    """A new customer's figures, one sale at a time (all their orders are in the batch)."""
    if customer.first_order_at is None or placed < customer.first_order_at:
        customer.first_order_at = placed
    if customer.last_order_at is None or placed > customer.last_order_at:
        customer.last_order_at = placed
    customer.order_count += 1
    if net_base is not None:
        customer.net_spend_base += net_base


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
        fresh_records, updates, rewrite = [], [], []
        for record in records:
            stored = existing.get(record.external_id)
            if stored is None:
                fresh_records.append(record)
                continue
            rate = rates[record.currency]
            if record.updated_at and stored["source_updated_at"] and record.updated_at < stored["source_updated_at"]:
                result.stale += 1
                result.order_ids[record.external_id] = stored["id"]
                continue
            if stored["fx_rate"] is not None and stored["currency"] == record.currency:
                rate = stored["fx_rate"]
            prepared = prepare(record, customer_id=customer_ids.get(record.customer_key), product_ids=product_ids, rate=rate)
            values = prepared.values
            for name in KEPT_WHEN_UNSAID:
                if not values[name]:
                    values[name] = stored[name]
            result.order_ids[record.external_id] = stored["id"]
            if all(stored[name] == values[name] for name in ORDER_FIELDS):
                result.unchanged += 1
                continue
            updates.append((stored["id"], prepared))
            if stored["lines_digest"] != values["lines_digest"] or stored["fx_rate"] != rate:
                rewrite.append((stored["id"], prepared))

        if changed_customers:
            Customer.objects.bulk_update(
                changed_customers,
                ["first_seen", "name", "country", "marketing_consent", "consent_source", "consent_updated_at"],
                batch_size=500,
            )
        if events:
            from customers.models import CustomerEvent

            CustomerEvent.objects.bulk_create(events, batch_size=500)

        order_ids = _ids(cursor, "customers_order", len(fresh_records))
        stamp = now.isoformat()
        head = f"\t{_cell(cycle_id)}\t{_cell(platform)}\t"
        tail = f"\t{NULL}\t{'t' if is_demo else 'f'}\t{stamp}\t"
        by_key = {customer.external_id: customer for customer in new_customers}
        sender = _CopySender(cursor)
        sender.start()
        try:
            for start in range(0, len(fresh_records), CHUNK_ORDERS):
                order_rows, line_rows = [], []
                for pk, record in zip(order_ids[start:start + CHUNK_ORDERS], fresh_records[start:start + CHUNK_ORDERS]):
                    prepared = prepare(
                        record, customer_id=customer_ids.get(record.customer_key), product_ids=product_ids,
                        rate=rates[record.currency],
                    )
                    order_rows.append(_order_row(pk, head, record.external_id, tail, prepared.values))
                    result.order_ids[record.external_id] = pk
                    for product_id, quantity, price, discount, amount, amount_base in prepared.lines:
                        line_rows.append(
                            f"{pk}\t{product_id}\t{quantity}\t{price}\t{discount}\t{amount}\t"
                            f"{NULL if amount_base is None else amount_base}\n"
                        )
                    result.lines += len(prepared.lines)
                    customer = by_key.get(record.customer_key)
                    if customer is not None and prepared.amounts.is_sale:
                        _count_sale(customer, record.placed_at, prepared.values["net_base"])
                sender.send("customers_order", ORDER_COLUMNS, "".join(order_rows))
                sender.send("customers_orderline", LINE_COLUMNS, "".join(line_rows))
            # Last, with their figures complete: the foreign keys of the rows above are checked at commit.
            sender.send("customers_customer", CUSTOMER_COLUMNS, "".join(
                "\t".join(_cell(getattr(customer, c if c != "id" else "pk")) for c in CUSTOMER_COLUMNS) + "\n"
                for customer in new_customers
            ))
        finally:
            sender.finish()

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
            lines_buffer = io.StringIO()
            for pk, prepared in rewrite:
                for product_id, quantity, price, discount, amount, amount_base in prepared.lines:
                    lines_buffer.write(f"{pk}\t{product_id}\t{quantity}\t{price}\t{discount}\t{amount}\t{_cell(amount_base)}\n")
                result.lines += len(prepared.lines)
            _copy(cursor, "customers_orderline", LINE_COLUMNS, lines_buffer)

    result.new, result.updated = len(fresh_records), len(updates)
    return {customer_ids[key] for key in known_keys if key in customer_ids}
