"""The customer base as the portrait kernels read it: three DataFrames built set-wise from the database.

:func:`customer_base_frames` reads every order placed up to the as-of date — of every
cycle and of none (imported history) — in four queries, whatever the number of
customers: the orders, their lines, the products'
attributes and categories, and the reviews per customer. On PostgreSQL each is a
``COPY (SELECT ...) TO STDOUT`` read by ``pandas.read_csv``; on SQLite one cursor
fetch. Guest orders (no customer) are left out of every per-customer figure.

Money
-----
When orders carry their amounts converted to the base currency (``net_base``,
``refunded_base``, lines' ``amount_base``), those are read: an order's amount is
what the customer paid after discounts (``net_base + refunded_base``) and its
refunds are taken off, so spend is net of refunds in the base currency; an order
whose currency has no rate yet counts at its own amount (``net``, ``refunded``).
Orders that are no sale (cancelled or voided) are left out. Without those columns
an order's amount is its ``total`` in its own currency, with no refund.

Other facts per order: ``returns`` is 1 for an order with money refunded (a
return or a refund), else 0; ``channel`` is the UTM source of the tracked link the
order came through (empty when none); ``market`` as the shop gave it. Reviews are
counted per customer (written up to the as-of date) and put on one order of the
customer so the kernel's per-order sum gives the count.
"""

import contextlib
import io
import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, connections, transaction
from django.db.models import Count

from analysis.models import Attribute
from customers.models import Order, OrderLine, Product, Review
from promotion.models import TrackedLink

from core.pgcopy import READ_TYPES, read_numbers

from .features import CATEGORY_KIND


@dataclass
class CustomerBase:
    orders: pd.DataFrame  # customer_id, placed_at, amount, refunded, returns, reviews, market, channel
    lines: pd.DataFrame  # customer_id, product_id, quantity, amount: one row per order line
    product_attributes: pd.DataFrame  # product_id, kind, value
    currency: str | None  # the base currency's code, when amounts are in it (else the most common currency)
    in_base_currency: bool


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def money_in_base_currency() -> bool:
    """Whether orders carry their amounts converted to the base currency."""
    return _has_field(Order, "net_base") and _has_field(OrderLine, "amount_base")


def _epoch_seconds(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {column})::float8"
    return f"(julianday({column}) - 2440587.5) * 86400.0"


def read_frame(sql: str, params: list, columns: list[str], dtypes: dict | None = None) -> pd.DataFrame:
    """Rows of ``sql`` as a DataFrame: by COPY on PostgreSQL, one fetch elsewhere. One query."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = cursor.mogrify(sql, params)
            query = query.decode() if isinstance(query, bytes) else query
            buffer = io.StringIO()
            cursor.cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buffer)
            buffer.seek(0)
            if not buffer.getvalue():
                return pd.DataFrame({c: pd.Series(dtype=(dtypes or {}).get(c, object)) for c in columns})
            return pd.read_csv(buffer, names=columns, header=None, dtype=dtypes, keep_default_na=False, na_values=[""])
        cursor.execute(sql, params)
        frame = pd.DataFrame(cursor.fetchall(), columns=columns)
    for column, dtype in (dtypes or {}).items():
        if dtype is str:
            frame[column] = frame[column].where(frame[column].notna(), np.nan)
        else:
            frame[column] = pd.to_numeric(frame[column]).astype(dtype) if len(frame) else frame[column].astype(dtype)
    return frame


def read_numbers_frame(sql: str, params: list, columns: list[tuple[str, str]]) -> pd.DataFrame:
    """Rows of ``sql`` whose columns are all numbers, never NULL, as a DataFrame: one fixed-width binary COPY on
    PostgreSQL (:func:`~core.pgcopy.read_numbers`, ``columns`` naming each one's binary type), one fetch
    elsewhere. One query."""
    dtypes = {name: np.dtype(READ_TYPES[kind]).newbyteorder("=") for name, kind in columns}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = cursor.mogrify(sql, params)
            return pd.DataFrame(read_numbers(cursor, query.decode() if isinstance(query, bytes) else query, columns))
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    values = np.array(rows, dtype=np.float64).reshape(len(rows), len(columns))
    return pd.DataFrame({name: values[:, i].astype(dtypes[name]) for i, name in enumerate(dtypes)})


def customer_base_frames(*, as_of) -> CustomerBase:
    """Orders, lines and product attributes of every identified customer up to ``as_of``; at most seven
    queries whatever the number of customers (on PostgreSQL the two large reads are binary COPYs)."""
    order, line, link = Order._meta.db_table, OrderLine._meta.db_table, TrackedLink._meta.db_table
    base = money_in_base_currency()
    sale = " AND o.is_sale" if _has_field(Order, "is_sale") else ""
    if base:  # amounts of two decimals
        paid = "COALESCE(o.net_base + o.refunded_base, o.net + o.refunded)"
        refunded = "COALESCE(o.refunded_base, o.refunded)"
        line_amount = "COALESCE(l.amount_base, l.amount)"
    else:
        paid, refunded, line_amount = "o.total", "0", "l.quantity * l.unit_price"
    where = f"WHERE o.customer_id IS NOT NULL AND o.placed_at <= %s{sale}"
    if connection.vendor == "postgresql":
        orders, lines = _pg_orders_and_lines(as_of, where, paid, refunded, line_amount)
    else:
        paid, refunded, line_amount = (f"CAST({amount} AS DOUBLE PRECISION)" for amount in (paid, refunded, line_amount))
        orders = read_frame(
            f"SELECT o.customer_id, {_epoch_seconds('o.placed_at')}, {paid}, {refunded}, o.market, t.utm_source "
            f"FROM {order} o LEFT JOIN {link} t ON t.id = o.tracked_link_id {where}",
            [as_of],
            ["customer_id", "seconds", "amount", "refunded", "market", "channel"],
            {"customer_id": np.int64, "seconds": np.float64, "amount": np.float64, "refunded": np.float64,
             "market": str, "channel": str},
        )
        lines = read_frame(
            f"SELECT o.customer_id, l.product_id, l.quantity, {line_amount} "
            f"FROM {line} l JOIN {order} o ON o.id = l.order_id {where}",
            [as_of],
            ["customer_id", "product_id", "quantity", "amount"],
            {"customer_id": np.int64, "product_id": np.int64, "quantity": np.float64, "amount": np.float64},
        )
    if "seconds" in orders.columns:
        orders["placed_at"] = pd.to_datetime(orders.pop("seconds").to_numpy() * 1e9, utc=True)
    if not isinstance(orders["market"].dtype, pd.CategoricalDtype):
        orders["market"] = orders["market"].fillna("").astype(str).str.upper()
    orders["returns"] = (orders["refunded"] > 0).astype(np.int64)

    reviews = read_frame(
        f"SELECT customer_id, COUNT(*) FROM {Review._meta.db_table} "
        "WHERE customer_id IS NOT NULL AND created_at <= %s GROUP BY customer_id",
        [as_of], ["customer_id", "reviews"], {"customer_id": np.int64, "reviews": np.int64},
    )
    first_rows = ~orders["customer_id"].duplicated()
    counts = pd.Series(reviews["reviews"].to_numpy(), index=reviews["customer_id"].to_numpy())
    orders["reviews"] = np.where(first_rows, orders["customer_id"].map(counts).fillna(0), 0).astype(np.int64)

    through = Product.attributes.through._meta.db_table
    product_attributes = read_frame(
        f"SELECT pa.product_id, a.kind, a.name FROM {through} pa JOIN {Attribute._meta.db_table} a ON a.id = pa.attribute_id "
        f"UNION ALL SELECT p.id, %s, p.category FROM {Product._meta.db_table} p WHERE p.category <> ''",
        [CATEGORY_KIND], ["product_id", "kind", "value"], {"product_id": np.int64, "kind": str, "value": str},
    )
    return CustomerBase(
        orders=orders, lines=lines, product_attributes=product_attributes,
        currency=base_currency() if base else _most_common_currency(as_of), in_base_currency=base,
    )


# PostgreSQL: the distinct markets of all orders, folded to upper case, by walking the index on
# (UPPER(market), placed_at): one lookup per market instead of a scan of every order.
MARKETS_WALK = (
    f"WITH RECURSIVE m(v) AS (SELECT MIN(UPPER(market)) FROM {Order._meta.db_table} UNION ALL "
    f"SELECT (SELECT MIN(UPPER(market)) FROM {Order._meta.db_table} WHERE UPPER(market) > m.v) FROM m "
    "WHERE m.v IS NOT NULL) SELECT v FROM m WHERE v IS NOT NULL"
)


def _pg_orders_and_lines(as_of, where: str, paid: str, refunded: str, line_amount: str):
    """The two large reads as fixed-width binary COPYs, each a plain scan of one table with as little work
    per row as PostgreSQL allows: the order's time travels as the timestamp itself (no EXTRACT), amounts as
    whole cents (a numeric turns into an integer directly, into a float only through its text), its market
    as its position in the list of distinct upper-case markets (``MARKETS_WALK``), its channel as the
    tracked link's id (links and their sources are a short read of their own), and lines find their
    customer through their order in numpy (no join of millions of rows in the database)."""
    order, line, link = Order._meta.db_table, OrderLine._meta.db_table, TrackedLink._meta.db_table
    paid, refunded, line_amount = (f"CAST(({amount}) * 100 AS bigint)" for amount in (paid, refunded, line_amount))
    line_read = (
        f"SELECT l.order_id, l.product_id, l.quantity, {line_amount} FROM {line} l",
        [("order_id", "int8"), ("product_id", "int8"), ("quantity", "int4"), ("cents", "int8")],
    )
    with _one_snapshot() as side_read, connection.cursor() as cursor:
        lines_ahead = side_read(*line_read)
        cursor.execute(MARKETS_WALK)
        folded_markets = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT id, utm_source FROM {link} WHERE utm_source <> ''")
        links = cursor.fetchall()
        query = cursor.mogrify(
            f"SELECT o.id, o.customer_id, o.placed_at, {paid}, {refunded}, "
            "COALESCE(array_position(%s::text[], UPPER(o.market)), 0), COALESCE(o.tracked_link_id, 0) "
            f"FROM {order} o {where}",
            [folded_markets or [""], as_of],
        ).decode()
        numbers = read_numbers(cursor, query, [
            ("order_id", "int8"), ("customer_id", "int8"), ("placed_at", "timestamptz"), ("cents", "int8"),
            ("refunded_cents", "int8"), ("market", "int4"), ("link", "int8"),
        ])
        line_numbers = lines_ahead()
    # Markets as the shop wrote them ("us", "US") are one upper-case category; 0 is a market written after
    # the list was read (none in practice), left unknown.
    markets = sorted(folded_markets)
    market_codes = np.array([-1] + [markets.index(market) for market in folded_markets], dtype=np.int64)
    channels = sorted({source for _, source in links})
    link_ids = np.array([pk for pk, _ in links], dtype=np.int64)
    link_codes = np.array([channels.index(source) for _, source in links] + [-1], dtype=np.int64)
    link_rows = _positions_of(link_ids, numbers["link"])
    # Fresh arrays, not copied into one block per dtype (copy=False): that copy took a tenth of the read.
    orders = pd.DataFrame(copy=False, data={
        "customer_id": numbers["customer_id"],
        "placed_at": pd.DatetimeIndex(numbers["placed_at"].astype("datetime64[us]"), tz="UTC").as_unit("ns"),
        # Whole cents over 100: the double nearest each two-decimal amount, as a cast to float gives.
        "amount": numbers["cents"] / 100.0, "refunded": numbers["refunded_cents"] / 100.0,
        "market": pd.Categorical.from_codes(market_codes[numbers["market"]], categories=markets) if markets
        else pd.Categorical([""] * len(numbers["market"])),
        "channel": pd.Categorical.from_codes(link_codes[link_rows], categories=channels) if channels
        else pd.Categorical.from_codes(np.full(len(link_rows), -1), categories=[""]),
    })
    row = _positions_of(numbers["order_id"], line_numbers["order_id"])
    kept = row >= 0  # lines of guest orders, later orders and orders that are no sale fall out here
    lines = pd.DataFrame(copy=False, data={
        "customer_id": numbers["customer_id"][row[kept]], "product_id": line_numbers["product_id"][kept],
        "quantity": line_numbers["quantity"][kept].astype(np.float64), "amount": line_numbers["cents"][kept] / 100.0,
    })
    return orders, lines


@contextlib.contextmanager
def _one_snapshot():
    """Reads on PostgreSQL that see one snapshot; yields ``side_read(sql, columns)``, which starts a
    :func:`~core.pgcopy.read_numbers` and returns a function that waits for its result.

    Outside a transaction the side read runs at once on a second connection, in a thread, sharing this
    connection's snapshot (``pg_export_snapshot``): the database then works on two cores, and the two
    large reads of a run take the time of the longer one instead of their sum. Inside a transaction (a
    caller's, a test's) a second connection would not see its rows: the side read runs on this connection
    when its result is asked for.
    """
    if connection.in_atomic_block:
        def side_read(sql, columns):
            def result():
                with connection.cursor() as cursor:
                    return read_numbers(cursor, sql, columns)

            return result

        yield side_read
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        threads = []

        def side_read(sql, columns):
            outcome = {}

            def read():
                try:
                    with transaction.atomic(), connection.cursor() as side:
                        side.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                        side.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
                        outcome["rows"] = read_numbers(side, sql, columns)
                except BaseException as exc:  # handed to the waiting caller
                    outcome["error"] = exc
                finally:
                    connections.close_all()  # this thread's connection only

            thread = threading.Thread(target=read, name="portraits-side-read")
            thread.start()
            threads.append(thread)

            def result():
                thread.join()
                if "error" in outcome:
                    raise outcome["error"]
                return outcome["rows"]

            return result

        try:
            yield side_read
        finally:
            for thread in threads:  # the snapshot's transaction stays open until every side read is done
                thread.join()


def _positions_of(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each value, the row of ``keys`` holding it, -1 when none (keys are distinct ids)."""
    if len(keys) == 0:
        return np.full(len(values), -1, dtype=np.int64)
    high = int(max(keys.max(), values.max(initial=0)))
    if high <= 4 * len(keys) + 1_000_000:
        lookup = np.full(high + 1, -1, dtype=np.int64)
        lookup[keys] = np.arange(len(keys))
        return lookup[np.clip(values, 0, high)]
    order = np.argsort(keys, kind="stable")
    at = np.clip(np.searchsorted(keys, values, sorter=order), 0, len(keys) - 1)
    found = keys[order[at]] == values
    return np.where(found, order[at], -1)


def base_currency() -> str:
    return getattr(settings, "C2F_BASE_CURRENCY", "USD")


def _most_common_currency(as_of) -> str | None:
    row = (
        Order.objects.filter(customer__isnull=False, placed_at__lte=as_of)
        .values("currency").order_by().annotate(n=Count("id")).order_by("-n", "currency").first()
    )
    return row["currency"] if row else None
