"""The cycle report's and the comparison's charts, drawn with the dashboard's layout (core.dashboard.charts)."""

import plotly.graph_objects as go

from core.dashboard.charts import CHART_LAYOUT, figure_html, stacked_bar_chart


def sold_unsold_chart(*, rows: list[dict], title: str) -> str:
    """Units sold and unsold (received, not yet sold) per row label."""
    if not rows:
        return ""
    return stacked_bar_chart(
        x=[str(r["label"]) for r in rows],
        stacks={"sold": [r["sold"] for r in rows], "unsold": [r["unsold"] for r in rows]},
        title=title,
        y_title="units",
    )


def plan_chart(*, rows: list[dict], currency: str) -> str:
    """Revenue and margin realised against the plan, per design."""
    if not rows:
        return ""

    def amounts(key):
        return [float(r[key]) if r[key] is not None else None for r in rows]

    labels = [str(r["label"]) for r in rows]
    fig = go.Figure([
        go.Bar(name="planned revenue", x=labels, y=amounts("planned_revenue")),
        go.Bar(name="revenue", x=labels, y=amounts("revenue")),
        go.Bar(name="planned margin", x=labels, y=amounts("planned_margin")),
        go.Bar(name="margin", x=labels, y=amounts("margin")),
    ])
    fig.update_layout(title="Revenue and margin against the plan", barmode="group", yaxis_title=currency, **CHART_LAYOUT)
    return figure_html(fig)


def trend_chart(*, trend: dict[str, list]) -> str:
    """Sell-through, unsold rate, forecast error and margin rate over all cycles, on one chart."""
    if not trend["cycle"]:
        return ""
    x = [f"Cycle {n}" for n in trend["cycle"]]
    names = {
        "sell_through": "sell-through", "unsold_rate": "unsold rate", "abs_pct_error": "absolute forecast error",
        "margin_rate": "margin / revenue",
    }
    fig = go.Figure([
        go.Scatter(x=x, y=trend[key], mode="lines+markers", name=name, connectgaps=False) for key, name in names.items()
    ])
    fig.update_layout(title="Cycle against cycle", yaxis_title="share", yaxis_tickformat=".0%", **CHART_LAYOUT)
    return figure_html(fig)
