"""Features per customer from orders, order lines and product attributes.

Pure pandas / numpy / scipy.sparse: DataFrames in, a :class:`CustomerFeatures`
out, no Django and no Python loop over customers or rows. One call on
1,000,000 orders is a handful of vectorised passes (sums by ``np.bincount``,
preferences as one bincount per attribute kind over the lines).

Input contract
--------------
Amounts are in the seller's *base currency*: the caller converts each order
and line at its own rate before handing them over (the kernels never see a
currency code, only labels for names).

``orders`` — one row per order:

============== ========= ==========================================================
column         required  meaning
============== ========= ==========================================================
customer_id    yes       int-like (or str) id; empty (NaN/None) marks a *guest* order,
                         which is left out of every per-customer feature
placed_at      yes       datetime; tz-aware (any zone, read as UTC) or naive UTC
amount         yes       what the customer paid for the order, base currency,
                         discounts deducted, before refunds
market         yes       market the order was placed in (a country code such as "US")
refunded       no        amount refunded on the order, base currency, >= 0 (default 0)
returns        no        items returned from the order, >= 0 (default 0)
reviews        no        reviews the customer wrote for the order's items (default 0)
channel        no        how the order came: UTM source or tracked-link channel;
                         empty when unknown
============== ========= ==========================================================

``lines`` — one row per order line, or already summed per (customer, product):
the kernel only sums them, so a selector may aggregate in SQL first.

============== ========= ==========================================================
customer_id    yes       as in ``orders``; empty = guest line, left out
product_id     yes       int-like or str
quantity       yes       items on the line, > 0
amount         yes       line value, base currency, after line discounts
============== ========= ==========================================================

``product_attributes`` — long form, one row per product × attribute:
``product_id``, ``kind`` (a lexicon kind: "material", "colour", "pattern",
"style", ... and "category" for the product's category) and ``value`` (the
attribute's name, e.g. "linen").

Output
------
``CustomerFeatures.table`` is indexed by ``customer_id`` (sorted) with the
columns of :data:`FEATURE_COLUMNS`:

- ``recency_days``: whole days from the UTC calendar date of the customer's
  last order to the UTC calendar date of ``as_of`` (0 = ordered on the as-of
  date; an order on 31 May at 23:59 UTC is 1 day old on 1 June at 00:01).
- ``tenure_days``: the same count from the first order.
- ``frequency``: number of orders.
- ``monetary``: sum of ``amount - refunded`` (net of refunds, base currency);
  ``refunded``: sum of refunds.
- ``avg_order_value``: ``monetary / frequency``.
- ``mean_days_between``: days from first to last order divided by
  ``frequency - 1``; NaN for one-order customers.
- ``returns``, ``reviews``: sums (0 when the column is absent).
- ``market``: the market of most of the customer's orders (ties: the
  alphabetically first).
- ``channel``: the channel of the customer's first order (simultaneous first
  orders: the alphabetically first known channel); empty when unknown.
- ``items``, ``lines_amount``: items and line value bought; ``unit_price``:
  ``lines_amount / items`` (NaN without lines).
- ``price_band``: "low", "mid" or "high": ``unit_price`` up to the first
  tercile over all customers with lines, up to the second, above it
  (``CustomerFeatures.price_edges``); empty without lines.

``CustomerFeatures.shares`` has the same index and a (kind, value) column
MultiIndex, sorted: the share of the customer's line value spent on products
carrying that attribute (0..1; a product with two colours counts for both).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import PortraitError

ORDER_COLUMNS = ("customer_id", "placed_at", "amount", "market")
ORDER_OPTIONAL_COLUMNS = ("refunded", "returns", "reviews", "channel")
LINE_COLUMNS = ("customer_id", "product_id", "quantity", "amount")
PRODUCT_ATTRIBUTE_COLUMNS = ("product_id", "kind", "value")

TASTE_KINDS = ("material", "colour", "pattern", "style")
CATEGORY_KIND = "category"
SHARE_KINDS = TASTE_KINDS + (CATEGORY_KIND,)

FEATURE_COLUMNS = (
    "recency_days", "tenure_days", "frequency", "monetary", "refunded", "avg_order_value", "mean_days_between",
    "returns", "reviews", "market", "channel", "items", "lines_amount", "unit_price", "price_band",
)
PRICE_BANDS = ("low", "mid", "high")

_NS_PER_DAY = 86_400 * 10**9


@dataclass
class CustomerFeatures:
    table: pd.DataFrame  # index customer_id, FEATURE_COLUMNS
    shares: pd.DataFrame  # index customer_id, columns (kind, value): share of line value
    as_of: pd.Timestamp  # UTC
    price_edges: tuple[float, float]  # unit price terciles: low <= [0] < mid <= [1] < high

    def taste(self, kinds=TASTE_KINDS) -> pd.DataFrame:
        """The share columns of the given kinds (the customer's taste)."""
        if self.shares.columns.empty:
            return self.shares
        mask = self.shares.columns.get_level_values("kind").isin(list(kinds))
        return self.shares.loc[:, mask]


def utc_timestamp(value) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def utc_nanoseconds(values: pd.Series, *, column: str = "placed_at") -> np.ndarray:
    """Datetimes as int64 nanoseconds since the epoch, UTC (naive values are read as UTC)."""
    try:
        stamps = pd.to_datetime(values, utc=True)
    except (ValueError, TypeError) as exc:
        raise PortraitError(f"orders: column {column!r} holds a value that is not a date: {exc}") from None
    if stamps.isna().any():
        raise PortraitError(f"orders: column {column!r} is empty on {int(stamps.isna().sum())} row(s)")
    return stamps.to_numpy(dtype="datetime64[ns]").astype(np.int64)


def utc_days(nanoseconds: np.ndarray) -> np.ndarray:
    """UTC calendar day numbers (days since 1970-01-01) of epoch nanoseconds."""
    return np.floor_divide(nanoseconds, _NS_PER_DAY)


def require_columns(frame: pd.DataFrame, columns, *, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise PortraitError(f"{what} lack column(s): {', '.join(missing)}")


def numbers(frame: pd.DataFrame, column: str, *, what: str, default=None) -> np.ndarray:
    """A column as float64, with a clear error naming the column if a value is not a number."""
    if column not in frame.columns:
        return np.full(len(frame), default, dtype=float)
    try:
        values = pd.to_numeric(frame[column]).to_numpy(dtype=float)
    except (ValueError, TypeError) as exc:
        raise PortraitError(f"{what}: column {column!r} holds a value that is not a number: {exc}") from None
    if default is not None:
        values = np.where(np.isnan(values), default, values)
    elif np.isnan(values).any():
        raise PortraitError(f"{what}: column {column!r} is empty on {int(np.isnan(values).sum())} row(s)")
    return values


def identified(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of identified customers (guest rows, with no customer_id, left out)."""
    known = frame["customer_id"].notna()
    return frame if bool(known.all()) else frame.loc[known]


def _dense_range(values: np.ndarray, n_hint: int) -> tuple[int, int] | None:
    """(min, max) of integer ids when they span few enough values for a lookup table."""
    if values.dtype.kind not in "iu" or len(values) == 0:
        return None
    low, high = int(values.min()), int(values.max())
    return (low, high) if high - low <= 4 * max(n_hint, 1) + 1_000_000 else None


def customer_index(ids: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes 0..n-1 of each row's customer and the sorted customer ids they index."""
    values = ids.to_numpy()
    if values.dtype.kind == "f" and np.all(np.mod(values, 1) == 0):
        values = values.astype(np.int64)
    span = _dense_range(values, len(values))
    if span is not None:
        # Integer ids in a compact range: a lookup table instead of hashing or sorting.
        low, high = span
        present = np.zeros(high - low + 1, dtype=bool)
        present[values - low] = True
        customers = np.flatnonzero(present) + low
        lookup = np.cumsum(present) - 1
        return lookup[values - low].astype(np.int64), pd.Index(customers, name="customer_id")
    codes, customers = pd.factorize(values, sort=True)
    return codes.astype(np.int64), pd.Index(customers, name="customer_id")


def codes_in(customers: pd.Index, ids: pd.Series, *, what: str) -> np.ndarray:
    """Codes of ``ids`` in the sorted ``customers``; every id must be a known customer."""
    values = ids.to_numpy()
    keys = customers.to_numpy()
    if keys.dtype.kind in "iu" and values.dtype.kind == "f" and np.all(np.mod(values, 1) == 0):
        values = values.astype(np.int64)
    span = _dense_range(keys, len(keys)) if values.dtype.kind in "iu" else None
    if span is not None:
        low, high = span
        lookup = np.full(high - low + 1, -1, dtype=np.int64)
        lookup[keys - low] = np.arange(len(keys))
        inside = (values >= low) & (values <= high)
        position = np.full(len(values), -1, dtype=np.int64)
        position[inside] = lookup[values[inside] - low]
        found = position >= 0
    else:
        position = np.searchsorted(keys, values)
        found = position < len(keys)
        found[found] = keys[position[found]] == values[found]
    if not found.all():
        raise PortraitError(
            f"{what}: {int((~found).sum())} row(s) belong to customers with no order "
            f"(first: customer_id {values[~found][:1].tolist()[0]!r})"
        )
    return position.astype(np.int64)


def mode_per_customer(codes: np.ndarray, n: int, values: pd.Series) -> pd.Categorical:
    """The value each customer has on most rows (ties: the smallest value); empty values are skipped."""
    value_codes, uniques = pd.factorize(values, sort=True)
    valid = value_codes >= 0
    width = max(len(uniques), 1)
    keys = codes[valid] * width + value_codes[valid]
    if n * width <= 20_000_000:
        counts = np.bincount(keys, minlength=n * width).reshape(n, width)
        best = counts.argmax(axis=1)
        best[counts.max(axis=1) == 0] = -1
    else:
        unique_keys, counts = np.unique(keys, return_counts=True)
        customer, value = unique_keys // width, unique_keys % width
        order = np.lexsort((value, -counts, customer))
        customer, value = customer[order], value[order]
        first = np.r_[True, customer[1:] != customer[:-1]]
        best = np.full(n, -1, dtype=np.int64)
        best[customer[first]] = value[first]
    return pd.Categorical.from_codes(best, categories=pd.Index(uniques).astype(str))


def first_value_per_customer(codes: np.ndarray, n: int, stamps: np.ndarray, values: pd.Series) -> pd.Categorical:
    """The value on each customer's earliest row (ties: the smallest known value)."""
    value_codes, uniques = pd.factorize(values, sort=True)
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, codes, stamps)
    at_first = stamps == first[codes]
    unknown = len(uniques)
    ranked = np.where(value_codes >= 0, value_codes, unknown)
    best = np.full(n, unknown, dtype=np.int64)
    np.minimum.at(best, codes[at_first], ranked[at_first])
    best[best == unknown] = -1
    return pd.Categorical.from_codes(best, categories=pd.Index(uniques).astype(str))


def customer_features(
    orders: pd.DataFrame,
    lines: pd.DataFrame | None = None,
    product_attributes: pd.DataFrame | None = None,
    *,
    as_of,
    kinds=SHARE_KINDS,
) -> CustomerFeatures:
    """Features of every identified customer in ``orders`` (see the module docstring).

    ``kinds`` limits the attribute shares to those kinds (``None``: every kind
    in ``product_attributes``). Raises :class:`PortraitError` naming the column
    or rule when the input breaks the contract.
    """
    require_columns(orders, ORDER_COLUMNS, what="orders")
    orders = identified(orders)
    if orders.empty:
        raise PortraitError("no orders of identified customers: there are no orders to build portraits from")
    as_of = utc_timestamp(as_of)

    codes, customers = customer_index(orders["customer_id"])
    n = len(customers)
    stamps = utc_nanoseconds(orders["placed_at"])
    if (stamps > as_of.value).any():
        late = int((stamps > as_of.value).sum())
        raise PortraitError(f"{late} order(s) are placed after the 'as of' date of the portrait ({as_of:%Y-%m-%d %H:%M} UTC)")
    days = utc_days(stamps)
    as_of_day = int(utc_days(np.array([as_of.value]))[0])

    first_day = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    last_day = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first_day, codes, days)
    np.maximum.at(last_day, codes, days)
    frequency = np.bincount(codes, minlength=n)
    amount = numbers(orders, "amount", what="orders")
    refunded = numbers(orders, "refunded", what="orders", default=0.0)
    if (refunded < 0).any():
        raise PortraitError("orders: column 'refunded' is negative on some row(s); refunds are positive amounts")
    monetary = np.bincount(codes, weights=amount - refunded, minlength=n)
    between = np.where(frequency > 1, (last_day - first_day) / np.maximum(frequency - 1, 1), np.nan)

    table = pd.DataFrame(
        {
            "recency_days": as_of_day - last_day,
            "tenure_days": as_of_day - first_day,
            "frequency": frequency.astype(np.int64),
            "monetary": monetary,
            "refunded": np.bincount(codes, weights=refunded, minlength=n),
            "avg_order_value": monetary / frequency,
            "mean_days_between": between,
            "returns": np.bincount(codes, weights=numbers(orders, "returns", what="orders", default=0.0), minlength=n)
            .round().astype(np.int64),
            "reviews": np.bincount(codes, weights=numbers(orders, "reviews", what="orders", default=0.0), minlength=n)
            .round().astype(np.int64),
            "market": mode_per_customer(codes, n, orders["market"]),
            "channel": (
                first_value_per_customer(codes, n, stamps, orders["channel"]) if "channel" in orders.columns
                else pd.Categorical.from_codes(np.full(n, -1), categories=pd.Index([], dtype=str))
            ),
        },
        index=customers,
    )

    shares, items, lines_amount = _line_features(customers, lines, product_attributes, kinds=kinds)
    table["items"] = items.round().astype(np.int64)
    table["lines_amount"] = lines_amount
    with np.errstate(invalid="ignore", divide="ignore"):
        unit_price = np.where(items > 0, lines_amount / np.where(items > 0, items, 1), np.nan)
    table["unit_price"] = unit_price
    priced = ~np.isnan(unit_price)
    edges = tuple(float(v) for v in np.quantile(unit_price[priced], [1 / 3, 2 / 3])) if priced.any() else (np.nan, np.nan)
    band = np.where(unit_price <= edges[0], 0, np.where(unit_price <= edges[1], 1, 2))
    band[~priced] = -1
    table["price_band"] = pd.Categorical.from_codes(band, categories=list(PRICE_BANDS))
    return CustomerFeatures(table=table, shares=shares, as_of=as_of, price_edges=edges)


def _line_features(customers: pd.Index, lines, product_attributes, *, kinds):
    n = len(customers)
    empty_shares = pd.DataFrame(
        index=customers, columns=pd.MultiIndex.from_arrays([[], []], names=["kind", "value"]), dtype=float
    )
    if lines is None or len(lines) == 0:
        return empty_shares, np.zeros(n), np.zeros(n)
    require_columns(lines, LINE_COLUMNS, what="order lines")
    lines = identified(lines)
    line_codes = codes_in(customers, lines["customer_id"], what="order lines")
    quantity = numbers(lines, "quantity", what="order lines")
    if (quantity <= 0).any():
        raise PortraitError(f"order lines: column 'quantity' is not positive on {int((quantity <= 0).sum())} row(s)")
    amount = numbers(lines, "amount", what="order lines")
    items = np.bincount(line_codes, weights=quantity, minlength=n)
    lines_amount = np.bincount(line_codes, weights=amount, minlength=n)

    if product_attributes is None or len(product_attributes) == 0:
        return empty_shares, items, lines_amount
    require_columns(product_attributes, PRODUCT_ATTRIBUTE_COLUMNS, what="product attributes")
    attributes = product_attributes
    if kinds is not None:
        attributes = attributes.loc[attributes["kind"].isin(list(kinds))]
    product_codes, products = pd.factorize(lines["product_id"])
    attribute_products = pd.Index(products).get_indexer(attributes["product_id"])
    attributes = attributes.loc[attribute_products >= 0, ["kind", "value"]].astype(str)
    attribute_products = attribute_products[attribute_products >= 0]
    if attributes.empty:
        return empty_shares, items, lines_amount
    keys = attributes.drop_duplicates().sort_values(["kind", "value"]).reset_index(drop=True)
    pairs = (
        attributes.assign(product=attribute_products)
        .merge(keys.reset_index(names="code"), on=["kind", "value"], how="left")[["product", "kind", "code"]]
        .drop_duplicates()
        .sort_values(["product", "code"])
    )
    # A product may carry several values of one kind (two colours): its values of a kind are numbered
    # 0, 1, ... ("slots"), and each slot is one bincount over the lines.
    pairs["slot"] = pairs.groupby(["product", "kind"]).cumcount()
    blocks = []
    for kind, block in keys.groupby("kind", sort=True):
        first, width = int(block.index[0]), len(block)
        spend = np.zeros(n * width)
        kind_pairs = pairs[pairs["kind"] == kind]
        for slot, slot_pairs in kind_pairs.groupby("slot"):
            value_of_product = np.full(len(products), -1, dtype=np.int64)
            value_of_product[slot_pairs["product"].to_numpy()] = slot_pairs["code"].to_numpy() - first
            value = value_of_product[product_codes]
            bought = value >= 0
            if bought.all():
                spend += np.bincount(line_codes * width + value, weights=amount, minlength=n * width)
            else:
                spend += np.bincount(
                    line_codes[bought] * width + value[bought], weights=amount[bought], minlength=n * width
                )
        blocks.append(spend.reshape(n, width))
    share = np.concatenate(blocks, axis=1) if len(blocks) > 1 else blocks[0]
    np.divide(share, lines_amount[:, None], out=share, where=lines_amount[:, None] > 0)
    columns = pd.MultiIndex.from_frame(keys, names=["kind", "value"])
    return pd.DataFrame(share, index=customers, columns=columns, copy=False), items, lines_amount
