"""Figures built on the server with plotly; the page loads plotly.js from our own static files.

A link draws its own kinds of chart with ``CHART_LAYOUT`` and ``figure_html`` so that every
chart of the dashboard has the same size, margins and toolbar.

A figure travels as JSON in a data block (``<script type="application/json">``, which no
browser runs and no Content-Security-Policy restricts) beside an empty element that names it;
``static/c2f/charts.js`` (loaded with plotly.js by ``dashboard/_plotly.html``) draws every such
element, so pages run no inline script and the CSP needs no 'unsafe-inline'.
"""

import functools
import json
import uuid

import plotly.graph_objects as go
import plotly.io as pio
from django.utils.html import format_html
from django.utils.safestring import mark_safe

CHART_CONFIG = {"displaylogo": False, "responsive": True}
CHART_LAYOUT = {"margin": {"l": 48, "r": 16, "t": 40, "b": 40}, "height": 320}
CHART_TEMPLATE = "plotly_white"
# As Django's json_script: nothing in the JSON can end the data block or open a tag.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@functools.cache
def _template_json() -> dict:
    # Setting a template on a figure validates all of it again (some 30 ms a chart); its JSON, added
    # to the figure's once serialised, draws the same.
    return pio.templates[CHART_TEMPLATE].to_plotly_json()


def figure_html(fig: go.Figure, *, config: dict | None = None) -> str:
    """The element charts.js draws ``fig`` in, and the figure's JSON in the dashboard's template,
    without plotly.js itself."""
    figure = json.loads(pio.to_json(fig, validate=False))
    figure["layout"] = {"template": _template_json(), **figure.get("layout", {})}
    figure["config"] = config if config is not None else CHART_CONFIG
    return _figure_element(figure)


_TEMPLATES: dict[str, dict] = {}


def plain_figure_html(*, data: list[dict], layout: dict, config: dict | None = None) -> str:
    """As :func:`figure_html` for a figure given as plain traces and layout (JSON-able dicts, with the
    layout's ``template`` named), without building a ``go.Figure``: pages drawing several charts from
    stored aggregates spend milliseconds, not tens of them, on each."""
    layout = dict(layout)
    name = layout.get("template")
    if isinstance(name, str):
        if name not in _TEMPLATES:
            _TEMPLATES[name] = pio.templates[name].to_plotly_json()
        layout["template"] = _TEMPLATES[name]
    return _figure_element({"data": data, "layout": layout, "config": config if config is not None else CHART_CONFIG})


def _figure_element(figure: dict) -> str:
    payload = json.dumps(figure, separators=(",", ":")).translate(_JSON_ESCAPES)
    element_id = f"c2f-figure-{uuid.uuid4().hex[:12]}"
    return format_html(
        '<div class="plotly-graph-div c2f-chart" data-plotly-figure="{}"></div>'
        '<script type="application/json" id="{}">{}</script>',
        element_id, element_id, mark_safe(payload),
    )


def line_chart(*, x: list, y: list, title: str, y_title: str = "") -> str:
    fig = go.Figure(go.Scatter(x=x, y=y, mode="lines", connectgaps=False, name=title))
    fig.update_layout(title=title, yaxis_title=y_title, **CHART_LAYOUT)
    return figure_html(fig)


def bar_chart(*, x: list, y: list, title: str, x_title: str = "", y_title: str = "") -> str:
    fig = go.Figure(go.Bar(x=x, y=y))
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, **CHART_LAYOUT)
    return figure_html(fig)


def stacked_bar_chart(*, x: list[str], stacks: dict[str, list], title: str, y_title: str = "") -> str:
    """One bar per ``x``, stacked by the names of ``stacks`` ({name: one value per x})."""
    fig = go.Figure([go.Bar(name=name, x=x, y=values) for name, values in stacks.items()])
    fig.update_layout(title=title, barmode="stack", yaxis_title=y_title, **CHART_LAYOUT)
    return figure_html(fig)


def scatter_chart(*, groups: dict[str, tuple[list, list]], title: str, x_title: str, y_title: str) -> str:
    fig = go.Figure([go.Scatter(x=x, y=y, mode="markers", name=name) for name, (x, y) in groups.items()])
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, **CHART_LAYOUT)
    return figure_html(fig)


def sparkline_points(values: list[float | None], *, width: int = 120, height: int = 24) -> str:
    """SVG polyline points for a small trend line; gaps (None) are skipped."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return ""
    low = min(v for _, v in known)
    high = max(v for _, v in known)
    span = (high - low) or 1.0
    step = width / max(len(values) - 1, 1)
    return " ".join(f"{i * step:.1f},{height - 1 - (v - low) / span * (height - 2):.1f}" for i, v in known)
