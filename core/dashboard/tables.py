"""Nested values (profiles, score components, cost breakdowns) as rows of a two-column table."""

from typing import Any


def flatten_profile(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """A segment profile or score components as (label, text) rows for a table."""
    if isinstance(value, dict):
        rows: list[tuple[str, str]] = []
        for key, inner in value.items():
            label = f"{prefix} · {key}" if prefix else str(key)
            rows.extend(flatten_profile(inner, label))
        return rows
    if isinstance(value, (list, tuple)):
        if all(not isinstance(v, (dict, list, tuple)) for v in value):
            return [(prefix, ", ".join(value_text(v) for v in value))]
        return [row for i, inner in enumerate(value) for row in flatten_profile(inner, f"{prefix} [{i + 1}]")]
    return [(prefix, value_text(value))]


def value_text(value: Any) -> str:
    """A number with three significant digits below 1,000 and none above; anything else as text."""
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)
