"""Charts of link 1 that the shared helpers do not draw: several series on one axis, ranked bars."""

import plotly.graph_objects as go

from core.dashboard.charts import CHART_LAYOUT, figure_html


def lines_chart(*, traces: dict[str, tuple[list, list]], title: str, y_title: str = "") -> str:
    """One line per name: {name: (x, y)}."""
    fig = go.Figure([go.Scatter(x=x, y=y, mode="lines", name=name, connectgaps=False) for name, (x, y) in traces.items()])
    fig.update_layout(title=title, yaxis_title=y_title, **CHART_LAYOUT)
    return figure_html(fig)


def ranked_bars(*, labels: list[str], values: list[float], title: str, x_title: str = "", text: list[str] | None = None) -> str:
    """Horizontal bars, largest on top."""
    height = max(CHART_LAYOUT["height"], 24 * len(labels) + 80)
    fig = go.Figure(go.Bar(x=values[::-1], y=labels[::-1], orientation="h", text=(text or [])[::-1] or None))
    fig.update_layout(title=title, xaxis_title=x_title, **{**CHART_LAYOUT, "height": height, "margin": {**CHART_LAYOUT["margin"], "l": 200}})
    return figure_html(fig)


def heatmap_chart(*, z: list[list[float | None]], x: list[str], y: list[str], title: str, colorbar: str = "") -> str:
    height = max(CHART_LAYOUT["height"], 22 * len(y) + 100)
    fig = go.Figure(go.Heatmap(z=z, x=x, y=y, colorscale="YlOrRd", colorbar={"title": colorbar}, hoverongaps=False))
    fig.update_layout(title=title, **{**CHART_LAYOUT, "height": height, "margin": {**CHART_LAYOUT["margin"], "l": 140}})
    return figure_html(fig)
