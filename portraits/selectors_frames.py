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

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Count

from analysis.models import Attribute
from customers.models import Order, OrderLine, Product, Review
from promotion.models import TrackedLink

from core.pgcopy import read_numbers

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


def customer_base_frames(*, as_of) -> CustomerBase:
    """Orders, lines and product attributes of every identified customer up to ``as_of``; at most seven
    queries whatever the number of customers (on PostgreSQL the two large reads are binary COPYs)."""
    order, line, link = Order._meta.db_table, OrderLine._meta.db_table, TrackedLink._meta.db_table
    base = money_in_base_currency()
    sale = " AND o.is_sale" if _has_field(Order, "is_sale") else ""
    if base:
        paid = "CAST(COALESCE(o.net_base + o.refunded_base, o.net + o.refunded) AS DOUBLE PRECISION)"
        refunded = "CAST(COALESCE(o.refunded_base, o.refunded) AS DOUBLE PRECISION)"
        line_amount = "CAST(COALESCE(l.amount_base, l.amount) AS DOUBLE PRECISION)"
    else:
        paid, refunded = "CAST(o.total AS DOUBLE PRECISION)", "CAST(0 AS DOUBLE PRECISION)"
        line_amount = "CAST(l.quantity * l.unit_price AS DOUBLE PRECISION)"
    where = f"WHERE o.customer_id IS NOT NULL AND o.placed_at <= %s{sale}"
    if connection.vendor == "postgresql":
        orders, lines = _pg_orders_and_lines(as_of, where, paid, refunded, line_amount)
    else:
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


def _pg_orders_and_lines(as_of, where: str, paid: str, refunded: str, line_amount: str):
    """The two large reads as fixed-width binary COPYs, each a plain scan of one table: markets and
    channels travel as their position in the short lists of distinct values read first, and lines find
    their customer through their order in numpy (no join of millions of rows in the database)."""
    order, line, link = Order._meta.db_table, OrderLine._meta.db_table, TrackedLink._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT UPPER(o.market) FROM {order} o {where}", [as_of])
        markets = sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f"SELECT DISTINCT utm_source FROM {link} WHERE utm_source <> ''")
        channels = sorted(row[0] for row in cursor.fetchall())
        query = cursor.mogrify(
            f"SELECT o.id, o.customer_id, CAST(EXTRACT(EPOCH FROM o.placed_at) AS DOUBLE PRECISION), {paid}, {refunded}, "
            "COALESCE(array_position(%s::text[], UPPER(o.market)::text), 0), "
            "COALESCE(array_position(%s::text[], t.utm_source::text), 0) "
            f"FROM {order} o LEFT JOIN {link} t ON t.id = o.tracked_link_id {where}",
            [markets or [""], channels or [""], as_of],
        ).decode()
        numbers = read_numbers(cursor, query, [
            ("order_id", "int8"), ("customer_id", "int8"), ("seconds", "float8"), ("amount", "float8"),
            ("refunded", "float8"), ("market", "int4"), ("channel", "int4"),
        ])
        line_numbers = read_numbers(
            cursor,
            f"SELECT l.order_id, l.product_id, CAST(l.quantity AS DOUBLE PRECISION), {line_amount} FROM {line} l",
            [("order_id", "int8"), ("product_id", "int8"), ("quantity", "float8"), ("amount", "float8")],
        )
    orders = pd.DataFrame({
        "customer_id": numbers["customer_id"], "seconds": numbers["seconds"], "amount": numbers["amount"],
        "refunded": numbers["refunded"],
        "market": pd.Categorical.from_codes(numbers["market"] - 1, categories=markets) if markets
        else pd.Categorical([""] * len(numbers["market"])),
        "channel": pd.Categorical.from_codes(numbers["channel"] - 1, categories=channels) if channels
        else pd.Categorical.from_codes(np.full(len(numbers["channel"]), -1), categories=[""]),
    })
    row = _positions_of(numbers["order_id"], line_numbers["order_id"])
    kept = row >= 0  # lines of guest orders, later orders and orders that are no sale fall out here
    lines = pd.DataFrame({
        "customer_id": numbers["customer_id"][row[kept]], "product_id": line_numbers["product_id"][kept],
        "quantity": line_numbers["quantity"][kept], "amount": line_numbers["amount"][kept],
    })
    return orders, lines


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
