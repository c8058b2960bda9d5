"""Charts of a round's results, drawn with plotly on the server like the rest of the dashboard."""

import plotly.graph_objects as go

from core.dashboard.charts import CHART_LAYOUT, figure_html


def variant_preference_chart(*, preference: dict[str, dict[str, int]]) -> str:
    """Grouped bars: votes per preferred variant, one group per market."""
    variants = sorted({v for per_market in preference.values() for v in per_market})
    fig = go.Figure(
        [go.Bar(name=variant, x=list(preference), y=[preference[m].get(variant, 0) for m in preference]) for variant in variants]
    )
    fig.update_layout(title="Preferred variant per market", barmode="group", yaxis_title="votes", **CHART_LAYOUT)
    return figure_html(fig)


def price_acceptance_chart(*, curve: list[dict], wholesale_price, wholesale_basis: str, currency: str) -> str:
    """Share of answering buyers who accept each wholesale price; the wholesale price compared marked."""
    fig = go.Figure(
        go.Scatter(
            x=[float(p["price"]) for p in curve], y=[p["share"] * 100 for p in curve],
            mode="lines+markers", line_shape="hv", name="accepting",
        )
    )
    if wholesale_price is not None:
        label = "wholesale price asked" if wholesale_basis == "asked" else "planned wholesale price"
        fig.add_vline(x=float(wholesale_price), line_dash="dash", annotation_text=label)
    fig.update_layout(
        title="Price acceptance", xaxis_title=f"wholesale price ({currency})", yaxis_title="% of buyers accepting",
        yaxis_range=[0, 105], **CHART_LAYOUT,
    )
    return figure_html(fig)


def versions_chart(*, rows: list[dict]) -> str:
    """Mean and shrunk score of each sample version's latest round."""
    labels = [f"v{r['sample'].version}" for r in rows if r["results"]]
    means = [r["results"]["mean_score"] or 0 for r in rows if r["results"]]
    shrunk = [r["results"]["shrunk_score"] for r in rows if r["results"]]
    fig = go.Figure([go.Bar(name="mean score", x=labels, y=means), go.Bar(name="shrunk score", x=labels, y=shrunk)])
    fig.update_layout(title="Versions compared", barmode="group", yaxis_range=[0, 5], **CHART_LAYOUT)
    return figure_html(fig)
