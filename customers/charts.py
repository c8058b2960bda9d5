"""Link 7's charts, from the monthly figures (``SalesMonth``, ``CohortMonth``): plotly figures built on the server."""

from collections import defaultdict
from datetime import date

import plotly.graph_objects as go

from core.dashboard.charts import CHART_LAYOUT, figure_html


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def revenue_chart(rows, *, currency: str) -> str:
    """Net sales per month and market as solid lines, gross beside each as a dotted line of the same colour."""
    by_market: dict[str, list] = defaultdict(list)
    for row in rows:
        by_market[row.market or "—"].append(row)
    fig = go.Figure()
    palette = ("#0d6efd", "#198754", "#d63384", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#dc3545")
    for i, (market, points) in enumerate(sorted(by_market.items())):
        colour = palette[i % len(palette)]
        months = [p.month.isoformat() for p in points]
        fig.add_trace(go.Scatter(x=months, y=[float(p.net_base) for p in points], name=f"{market} net",
                                 mode="lines+markers", line={"color": colour}))
        fig.add_trace(go.Scatter(x=months, y=[float(p.gross_base) for p in points], name=f"{market} gross",
                                 mode="lines", line={"color": colour, "dash": "dot"}))
    fig.update_layout(title=f"Sales per month by market ({currency}; net solid, gross dotted)", yaxis_title=currency,
                      **CHART_LAYOUT)
    return figure_html(fig)


def new_returning(rows) -> list[tuple[date, int, int]]:
    """(month, new customers, returning customers) from cohort rows: new ones bought first that month."""
    new: dict[date, int] = defaultdict(int)
    returning: dict[date, int] = defaultdict(int)
    for row in rows:
        if row.month == row.cohort:
            new[row.month] += row.customers
        else:
            returning[row.month] += row.customers
    return [(month, new[month], returning[month]) for month in sorted(set(new) | set(returning))]


def new_returning_chart(rows) -> str:
    series = new_returning(rows)
    months = [m.isoformat() for m, _, _ in series]
    fig = go.Figure([
        go.Bar(name="new customers", x=months, y=[n for _, n, _ in series]),
        go.Bar(name="returning customers", x=months, y=[r for _, _, r in series]),
    ])
    fig.update_layout(title="Customers buying each month: new and returning", barmode="stack", yaxis_title="customers",
                      **CHART_LAYOUT)
    return figure_html(fig)


def retention(rows, *, horizon: int = 12) -> tuple[list[date], list[list[float | None]], list[int]]:
    """Per cohort (month of first order): its size and the share of it buying 0..horizon months later."""
    by_cohort: dict[date, dict[int, int]] = defaultdict(dict)
    for row in rows:
        offset = _months_between(row.cohort, row.month)
        if 0 <= offset <= horizon:
            by_cohort[row.cohort][offset] = row.customers
    cohorts = sorted(by_cohort)
    sizes = [by_cohort[c].get(0, 0) for c in cohorts]
    matrix = [
        [round(100 * by_cohort[c].get(k, 0) / size, 1) if size else None for k in range(horizon + 1)]
        for c, size in zip(cohorts, sizes)
    ]
    return cohorts, matrix, sizes


def retention_chart(rows, *, horizon: int = 12) -> str:
    cohorts, matrix, sizes = retention(rows, horizon=horizon)
    fig = go.Figure(go.Heatmap(
        z=matrix, x=[f"+{k}" for k in range(horizon + 1)],
        y=[f"{c:%Y-%m} ({n})" for c, n in zip(cohorts, sizes)], colorscale="Blues", zmin=0, zmax=100,
        hovertemplate="cohort %{y}, month %{x}: %{z}%<extra></extra>",
    ))
    fig.update_layout(title="Monthly cohort retention: % of each first-order month buying again",
                      xaxis_title="months after the first order", **{**CHART_LAYOUT, "height": max(320, 24 * len(cohorts) + 120)})
    return figure_html(fig)
