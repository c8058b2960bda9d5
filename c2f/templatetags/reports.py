"""How the cycle report prints its figures: shares as percents, missing figures as a dash."""

from django import template

register = template.Library()


@register.filter
def share(value, digits: int = 0) -> str:
    """0.625 -> "63%" (``|share:1`` -> "62.5%"); None or text -> "—"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return f"{value * 100:.{int(digits)}f}%"


@register.filter
def figure(value) -> str:
    """A count or amount as stored; None -> "—"."""
    return "—" if value is None or value == "" else str(value)


@register.filter
def measure_value(value, kind: str) -> str:
    if kind == "percent":
        return share(value, 1)
    return figure(value)
