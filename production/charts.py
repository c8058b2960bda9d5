"""Charts of link 5, drawn with plotly on the server; the page loads plotly.js from our own static files."""

from core.dashboard.charts import stacked_bar_chart


def batch_split_chart(*, rows: list[dict]) -> str:
    """Stacked bars: units per variant, one colour per market.

    ``rows``: ``{"label", "market", "quantity"}``, one per variant × market; ``label`` names the variant.
    """
    labels = list(dict.fromkeys(row["label"] for row in rows))
    units = {(row["label"], row["market"]): row["quantity"] for row in rows}
    return stacked_bar_chart(
        x=labels,
        stacks={market: [units.get((label, market), 0) for label in labels] for market in sorted({r["market"] for r in rows})},
        title="Batch split per variant and market",
        y_title="units",
    )


def pre_order_totals_chart(*, totals: list[dict]) -> str:
    """Pre-ordered units per variant, stacked by market: an uneven split shows at a glance.

    ``totals``: ``{"variant_id", "sku", "colour", "market", "units"}``, one per variant × market.
    """
    labels = {row["variant_id"]: f"{row['sku']}" + (f" ({row['colour']})" if row["colour"] else "") for row in totals}
    units = {(row["variant_id"], row["market"]): row["units"] for row in totals}
    return stacked_bar_chart(
        x=[labels[v] for v in labels],
        stacks={market: [units.get((v, market), 0) for v in labels] for market in sorted({r["market"] for r in totals})},
        title="Pre-ordered units per variant and market",
        y_title="units",
    )
