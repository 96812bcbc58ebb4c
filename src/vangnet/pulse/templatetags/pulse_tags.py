from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()

WIDTH = 140


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """mapping[key] in a template (None when absent)."""
    if not mapping:
        return None
    return mapping.get(key)


def _x(value: float) -> float:
    return round((value - 1) / 6 * WIDTH, 1)


@register.simple_tag
def interval_svg(mean: float | None, low: float | None, high: float | None) -> str:
    """A small SVG of a score on 1–7 with its 95 % interval (the table beside it has the figures)."""
    if mean is None or low is None or high is None:
        return ""
    low, high = max(low, 1.0), min(high, 7.0)
    return format_html(
        '<svg class="pulse-interval" width="{}" height="14" viewBox="0 0 {} 14" aria-hidden="true" '
        'focusable="false"><line x1="0" y1="7" x2="{}" y2="7" stroke="currentColor" '
        'stroke-opacity="0.3"/><line x1="{}" y1="7" x2="{}" y2="7" stroke="currentColor" '
        'stroke-width="3"/><circle cx="{}" cy="7" r="4" fill="currentColor"/></svg>',
        WIDTH, WIDTH, WIDTH, _x(low), _x(high), _x(mean))
