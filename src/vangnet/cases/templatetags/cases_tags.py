"""Labels for workflow values in templates."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from vangnet.cases.parts import PART_LABELS
from vangnet.cases.workflow import Outcome, State

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    try:
        return str(State(value).label)
    except ValueError:
        return value


@register.filter
def part_labels(parts: list[str]) -> str:
    """The parts of a report as handlers read them ("What happened, Where"), never raw keys."""
    return ", ".join(str(PART_LABELS.get(part, part)) for part in parts or [])


@register.filter
def outcome_label(value: str) -> str:
    try:
        return str(Outcome(value).label)
    except ValueError:
        return value


SUMMARY_LABELS = {
    # Receipt confirmed by a message written to the reporter (from any page), not the button.
    "message": _("by a message to the reporter"),
    "wants_conversation": _("the reporter would like a conversation"),
    "no_conversation": _("the reporter does not want a conversation now"),
}


@register.filter
def event_summary(value: str) -> str:
    """A timeline summary as people read it: an outcome by its label, report parts by their
    labels (also in entries written before the summaries named them so)."""
    if value in SUMMARY_LABELS:
        return str(SUMMARY_LABELS[value])
    label = outcome_label(value)
    if label != value:
        return label
    head, sep, tail = value.rpartition(": ")
    items = [item.strip() for item in tail.split(",")]
    if sep and items and all(item in PART_LABELS for item in items):
        return f"{head}: {part_labels(items)}"
    return value
