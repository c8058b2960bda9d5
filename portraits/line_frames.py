"""The kernels' three frames from a frame of order lines that repeats each order's fields on its lines.

Pure pandas. ``order_lines_frame`` in :mod:`portraits.selectors` reads one row
per order line with the order's fields and the product's attribute names
(:data:`LINE_FRAME_COLUMNS`); :func:`frames_from_order_lines` splits it into
the ``orders``, ``lines`` and ``product_attributes`` frames of
:mod:`portraits.features`:

- one order per ``order_id``: its customer, date and market from its first
  line, ``amount`` the sum of ``quantity × unit_price`` over its lines;
- one line per row with ``amount = quantity × unit_price``; the product is
  ``product_id`` when the frame has it, else the line's category and attribute
  names taken together;
- the product's attributes from ``attributes`` (a list of names) with their
  kinds from ``attribute_kinds`` (a list of the same length) when the frame has
  it, else the kind "attribute"; its ``category`` as the kind "category".

Amounts are taken as they are: this frame carries no exchange rates, so a
caller mixing currencies must convert ``unit_price`` first.
"""

import pandas as pd

from .errors import PortraitError
from .features import CATEGORY_KIND, require_columns

LINE_FRAME_COLUMNS = ("customer_id", "placed_at", "order_id", "quantity", "unit_price", "market", "attributes")
UNKNOWN_KIND = "attribute"


def frames_from_order_lines(lines: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(orders, lines, product_attributes) for :func:`portraits.pipeline.build_portraits`."""
    require_columns(lines, LINE_FRAME_COLUMNS, what="order lines")
    if lines.empty:
        raise PortraitError("no order lines: there are no orders to build portraits from")
    try:
        quantity = pd.to_numeric(lines["quantity"]).astype(float)
        unit_price = pd.to_numeric(lines["unit_price"]).astype(float)
    except (ValueError, TypeError) as exc:
        raise PortraitError(f"order lines: quantity and unit_price must be numbers: {exc}") from None
    frame = pd.DataFrame({
        "customer_id": lines["customer_id"].to_numpy(),
        "order_id": lines["order_id"].to_numpy(),
        "placed_at": lines["placed_at"].to_numpy(),
        "market": lines["market"].to_numpy(),
        "quantity": quantity.to_numpy(),
        "amount": (quantity * unit_price).to_numpy(),
    })
    category = lines["category"] if "category" in lines.columns else pd.Series("", index=lines.index)
    if "product_id" in lines.columns:
        frame["product_id"] = lines["product_id"].to_numpy()
    else:
        frame["product_id"] = (category.astype(str) + "|" + lines["attributes"].astype(str)).to_numpy()

    orders = frame.groupby("order_id", sort=True).agg(
        customer_id=("customer_id", "first"), placed_at=("placed_at", "first"), market=("market", "first"),
        amount=("amount", "sum"),
    ).reset_index()
    order_lines = frame[["customer_id", "order_id", "product_id", "quantity", "amount"]]

    products = pd.DataFrame({
        "product_id": frame["product_id"].to_numpy(),
        "value": lines["attributes"].to_numpy(),
        "kind": lines["attribute_kinds"].to_numpy() if "attribute_kinds" in lines.columns else None,
        "category": category.to_numpy(),
    }).drop_duplicates("product_id")
    if "attribute_kinds" in lines.columns:
        attributes = products[["product_id", "kind", "value"]].explode(["kind", "value"])
    else:
        attributes = products[["product_id", "value"]].explode("value").assign(kind=UNKNOWN_KIND)
    attributes = attributes.dropna(subset=["value"])
    categories = products.loc[products["category"].notna() & (products["category"] != ""), ["product_id", "category"]]
    product_attributes = pd.concat(
        [attributes[["product_id", "kind", "value"]], categories.rename(columns={"category": "value"}).assign(kind=CATEGORY_KIND)],
        ignore_index=True,
    )[["product_id", "kind", "value"]]
    return orders, order_lines, product_attributes
