"""Cycle against cycle, read from the stored reports: one query for any number of cycles."""

from core.models import CycleReport

# (key in the report's measures, label, kind) in the order the comparison shows them.
MEASURES = [
    ("forecast.forecast", "Forecast demand (votes and pre-sales)", "units"),
    ("forecast.actual", "Actual demand (sold + unmet)", "units"),
    ("forecast.error", "Forecast error (actual − forecast)", "units"),
    ("forecast.abs_pct_error", "Absolute forecast error", "percent"),
    ("days_hotspot_to_first_sale", "Days from hotspot to first sale", "days"),
    ("sell_through", "Sell-through", "percent"),
    ("unsold_rate", "Unsold rate", "percent"),
    ("revenue", "Revenue", "money"),
    ("margin", "Margin", "money"),
    ("margin_rate", "Margin / revenue", "percent"),
]


def measure(data: dict, path: str):
    value = data.get("measures", {})
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def cycle_reports_stored(*, numbers=None) -> list[CycleReport]:
    """Stored reports with their cycle, by cycle number; one query."""
    reports = CycleReport.objects.select_related("cycle").order_by("cycle__number")
    if numbers is not None:
        reports = reports.filter(cycle__number__in=list(numbers))
    return list(reports)


def cycles_compare(*, a: CycleReport, b: CycleReport) -> list[dict]:
    """Each measure of two stored reports side by side, with b − a where both are numbers."""
    rows = []
    for key, label, kind in MEASURES:
        left, right = measure(a.data, key), measure(b.data, key)
        try:
            change = round(float(right) - float(left), 4)
        except (TypeError, ValueError):
            change = None
        rows.append({"key": key, "label": label, "kind": kind, "a": left, "b": right, "change": change})
    return rows


def cycles_trend(*, reports: list[CycleReport]) -> dict[str, list]:
    """Per cycle number: sell-through, unsold rate, absolute forecast error and margin rate (shares)."""
    trend = {"cycle": [], "sell_through": [], "unsold_rate": [], "abs_pct_error": [], "margin_rate": []}
    for report in reports:
        trend["cycle"].append(report.cycle.number)
        trend["sell_through"].append(measure(report.data, "sell_through"))
        trend["unsold_rate"].append(measure(report.data, "unsold_rate"))
        trend["abs_pct_error"].append(measure(report.data, "forecast.abs_pct_error"))
        trend["margin_rate"].append(measure(report.data, "margin_rate"))
    return trend
