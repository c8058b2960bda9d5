"""How the cycle report prints its figures: shares as percents, missing figures as a dash, both in the
user's locale through core.formats (money goes through ``c2f_format``'s ``money``)."""

from django import template

from core import formats

register = template.Library()


@register.filter
def share(value, digits: int = 0) -> str:
    """0.625 -> "63%" (``|share:1`` -> "62.5%"); None or text -> "—"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return formats.MISSING
    return formats.percent(value, int(digits))


@register.filter
def figure(value) -> str:
    """A count or amount, grouped in the user's locale; None -> "—"."""
    return formats.number(value)


@register.filter
def measure_value(value, kind: str) -> str:
    if kind == "percent":
        return share(value, 1)
    return figure(value)
