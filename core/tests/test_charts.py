import json
import re

import plotly.graph_objects as go

from core.dashboard.charts import figure_html


def _block(html: str) -> dict:
    element_id = re.search(r'data-plotly-figure="([^"]+)"', html).group(1)
    return json.loads(re.search(rf'<script type="application/json" id="{element_id}">(.*)</script>$', html, re.S).group(1))


def test_a_figure_is_an_element_and_a_json_data_block():
    html = figure_html(go.Figure(go.Bar(x=["US", "GB"], y=[3, 4])), config={"responsive": True})
    assert html.startswith('<div class="plotly-graph-div c2f-chart" data-plotly-figure="c2f-figure-')
    figure = _block(html)
    assert figure["data"][0]["x"] == ["US", "GB"] and figure["config"] == {"responsive": True}


def test_text_from_the_data_cannot_end_the_block_or_open_a_tag():
    hostile = '</script><script>alert(1)</script> & <b>'
    html = figure_html(go.Figure(go.Scatter(x=[1], y=[2], name=hostile)))
    assert html.count("</script>") == 1 and "<script>" not in html and "<b>" not in html
    assert _block(html)["data"][0]["name"] == hostile


def test_each_figure_has_its_own_id():
    fig = go.Figure(go.Bar(x=[1], y=[1]))
    ids = {re.search(r'data-plotly-figure="([^"]+)"', figure_html(fig)).group(1) for _ in range(5)}
    assert len(ids) == 5
