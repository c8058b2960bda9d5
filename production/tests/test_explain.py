"""A production order's sizing record, shown as labelled figures with their units."""

from production.explain import sizing_explained

SIZING = {
    "total": 582, "total_would_order": 1488, "responses": 18, "min_batch": 150, "rule": "demand = ...",
    "forecast_mean": 574.8, "forecast_interval_80": [470.6, 679.0], "forecast_sd": 81.3, "pre_orders": 54,
    "conversion_rate": 0.3, "response_rate": 0.75, "unit_margin": 23.85, "unsold_cost": 21.0, "critical_ratio": 0.532,
    "newsvendor_quantity": 582, "sample_id": 2, "sizing_round_id": 2, "factory_id": 1, "edited_by_merchandiser": False,
    "recommended_lines": [{"variant_id": 7, "market": "GB", "quantity": 32}], "ordered_total": 582, "planned_by": "c2f loop",
}


def test_a_newsvendor_sizing_reads_as_figures_with_units():
    facts = {fact.label: fact for fact in sizing_explained(SIZING)}
    assert facts["Buyers who answered"].value == "18 (75% of those invited)"
    assert facts["Forecast demand"].value == "575 units (80% between 471 and 679)"
    assert facts["Critical ratio"].value == "53%"
    assert facts["Margin per unit sold"].money == 23.85 and facts["Margin per unit sold"].value == ""
    assert facts["Recommended batch"].value == "582 units"
    assert facts["Ordered"].note == "As recommended."
    shown = " ".join(f"{f.label} {f.value} {f.note}" for f in facts.values())
    for raw in ("sample_id", "recommended_lines", "False", "None", "{", "_"):
        assert raw not in shown


def test_an_empty_or_foreign_record_shows_nothing():
    assert sizing_explained({}) == [] and sizing_explained("x") == []
    assert [f.label for f in sizing_explained({"total": 300, "min_batch": 300})] == ["Factory's minimum", "Recommended batch"]
