"""Labels for workflow values in templates."""

from __future__ import annotations

from django import template

from vangnet.cases.workflow import State

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    try:
        return str(State(value).label)
    except ValueError:
        return value
