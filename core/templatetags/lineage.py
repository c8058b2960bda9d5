"""Template side of the downstream-lineage registry (core.dashboard.lineage)."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core.dashboard import lineage

register = template.Library()


@register.simple_tag(takes_context=True)
def downstream_panels(context, record):
    """Every panel later links registered for ``record``'s model, in loop order."""
    request = context.get("request")
    return mark_safe("".join(
        render_to_string(panel.template, {"object": record, "panel": panel, "rows": panel.rows(record)}, request=request)
        for panel in lineage.downstream_panels(record)
    ))


@register.simple_tag
def downstream_columns(model):
    """The downstream counts registered for ``model`` (a record, a model, a queryset or "app.Model")."""
    return lineage.downstream_counts(model)


@register.filter
def downstream_count(row, column) -> int:
    return getattr(row, column.attname)
