"""Charts of link 5, drawn with plotly on the server; the page loads plotly.js from our own static files."""

import plotly.graph_objects as go
import plotly.io as pio

_CONFIG = {"displaylogo": False, "responsive": True}
_LAYOUT = {"margin": {"l": 48, "r": 16, "t": 40, "b": 40}, "height": 320, "template": "plotly_white"}


def batch_split_chart(*, rows: list[dict]) -> str:
    """Stacked bars: units per variant, one colour per market.

    ``rows``: ``{"label", "market", "quantity"}``, one per variant × market; ``label`` names the variant.
    """
    labels = list(dict.fromkeys(row["label"] for row in rows))
    markets = sorted({row["market"] for row in rows})
    units = {(row["label"], row["market"]): row["quantity"] for row in rows}
    fig = go.Figure(
        [go.Bar(name=market, x=labels, y=[units.get((label, market), 0) for label in labels]) for market in markets]
    )
    fig.update_layout(title="Batch split per variant and market", barmode="stack", yaxis_title="units", **_LAYOUT)
    return pio.to_html(fig, include_plotlyjs=False, full_html=False, config=_CONFIG)
