"""The portrait pages' charts, drawn from what the run stored (segment profiles, a fixed sample, counts).

Figures are plain dicts handed to ``core.dashboard.charts.plain_figure_html``: a run page draws
five charts and a segment page four, and building a ``go.Figure`` for each would cost more than
the rest of the page.
"""

from core.dashboard.charts import CHART_LAYOUT, plain_figure_html

from .rfm import GROUPS


def _layout(title: str, *, x_title: str = "", y_title: str = "", **extra) -> dict:
    return {
        **CHART_LAYOUT, "title": {"text": title}, "xaxis": {"title": {"text": x_title}},
        "yaxis": {"title": {"text": y_title}}, **extra,
    }


def _bars(x, y, *, title, x_title="", y_title="", orientation="v", text=None) -> str:
    trace = {"type": "bar", "x": list(x), "y": list(y), "orientation": orientation}
    if text is not None:
        trace.update(text=list(text), textposition="auto")
    return plain_figure_html(data=[trace], layout=_layout(title, x_title=x_title, y_title=y_title))


def _stacked(x, stacks: dict[str, list], *, title: str, y_title: str, barmode: str = "stack") -> str:
    data = [{"type": "bar", "name": name, "x": list(x), "y": list(values)} for name, values in stacks.items()]
    return plain_figure_html(data=data, layout=_layout(title, y_title=y_title, barmode=barmode))


def segments_overview_chart(segments) -> str:
    """Share of customers, of net revenue and of expected spend per segment, side by side."""
    names = [s.name for s in segments]
    series = {
        "customers": [(s.profile or {}).get("customer_share") or 0 for s in segments],
        "net revenue": [s.revenue_share or 0 for s in segments],
    }
    total_value = sum(s.expected_value or 0 for s in segments)
    if total_value > 0:
        series["expected spend, next 365 days"] = [(s.expected_value or 0) / total_value for s in segments]
    stacks = {name: [round(100 * v, 1) for v in values] for name, values in series.items()}
    return _stacked(names, stacks, title="Share of customers, revenue and expected spend", y_title="% of all",
                    barmode="group")


def market_mix_chart(segments) -> str:
    markets = sorted({m for s in segments for m in ((s.profile or {}).get("markets") or {})})
    stacks = {m: [round(100 * ((s.profile or {}).get("markets") or {}).get(m, 0), 1) for s in segments] for m in markets}
    return _stacked([s.name for s in segments], stacks, title="Market mix", y_title="% of customers")


def rfm_groups_chart(segments) -> str:
    stacks = {g: [round(100 * ((s.profile or {}).get("rfm_groups") or {}).get(g, 0), 1) for s in segments] for g in GROUPS}
    stacks = {g: v for g, v in stacks.items() if any(v)}
    return _stacked([s.name for s in segments], stacks, title="RFM groups", y_title="% of customers")


def sample_scatter_chart(run, names: dict[int, str]) -> str | None:
    """Recency against spend for the run's stored sample of customers (at most a few thousand points)."""
    sample = ((run.metrics or {}).get("charts") or {}).get("scatter")
    if not sample or not sample.get("segment"):
        return None
    groups: dict[str, tuple[list, list]] = {}
    for label, recency, monetary in zip(sample["segment"], sample["recency_days"], sample["monetary"]):
        xs, ys = groups.setdefault(names.get(label, f"segment {label}"), ([], []))
        xs.append(recency)
        ys.append(monetary)
    data = [{"type": "scatter", "mode": "markers", "name": name, "x": xs, "y": ys, "marker": {"size": 4}}
            for name, (xs, ys) in groups.items()]
    n = len(sample["segment"])
    return plain_figure_html(data=data, layout=_layout(
        f"Recency vs monetary ({n:,} customers drawn at random)", x_title="days since last order", y_title="net spend"))


def silhouette_chart(run) -> str | None:
    by_k = ((run.metrics or {}).get("clustering") or {}).get("silhouette_by_k")
    if not by_k:
        return None
    return _bars([f"k={k}" for k in by_k], list(by_k.values()), title="Silhouette by number of segments (sample)",
                 y_title="silhouette")


def lift_chart(profile: dict) -> str | None:
    attributes = [a for a in (profile.get("top_attributes") or [])[:8] if isinstance(a, dict) and a.get("lift")]
    if not attributes:
        return None
    attributes = list(reversed(attributes))
    return _bars([a["lift"] for a in attributes], [a["name"] for a in attributes], orientation="h",
                 title="Preferred attributes: lift over all customers", x_title="× the share of all customers",
                 text=[f"×{a['lift']:.1f}" for a in attributes])


def segment_market_chart(profile: dict) -> str | None:
    markets = profile.get("markets") or {}
    if not markets:
        return None
    top = list(markets.items())[:8]
    return _bars([m for m, _ in top], [round(100 * s, 1) for _, s in top], title="Market mix", y_title="% of customers")


def price_histogram_chart(profile: dict) -> str | None:
    histogram = profile.get("price_histogram")
    if not histogram:
        return None
    edges, counts = histogram["edges"], histogram["counts"]
    labels = [f"{edges[i]:,.0f}–{edges[i + 1]:,.0f}" for i in range(len(counts))]
    return _bars(labels, counts, title="Unit price paid", x_title=f"price a unit ({profile.get('currency') or ''})",
                 y_title="customers")


def rfm_distribution_chart(profile: dict) -> str | None:
    groups = profile.get("rfm_groups") or {}
    if not groups:
        return None
    ordered = [g for g in GROUPS if g in groups]
    return _bars(ordered, [round(100 * groups[g], 1) for g in ordered], title="RFM groups", y_title="% of customers")
