"""Bar widths without inline styles (the Content-Security-Policy refuses style attributes)."""

from django import template

register = template.Library()


@register.filter
def bar_width(percent) -> str:
    """`` pct-N``: the class (static/c2f/dashboard.css) that makes a bar N% wide, N a whole 0–100."""
    try:
        value = round(float(percent))
    except (TypeError, ValueError):
        value = 0
    return f" pct-{min(max(value, 0), 100)}"
