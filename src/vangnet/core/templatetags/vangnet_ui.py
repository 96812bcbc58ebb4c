"""Small template helpers for the NL Design System components."""

from __future__ import annotations

from typing import Any

from django import forms, template

register = template.Library()

_WIDGET_CLASSES = {
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.SelectMultiple: "utrecht-select utrecht-select--html-select",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.ClearableFileInput: "utrecht-textbox",
}


@register.filter
def add_widget_class(field: Any, default_class: str) -> Any:
    """Render the field with the Utrecht class that fits its widget, plus error wiring."""
    widget = field.field.widget
    css = next(
        (cls for kind, cls in _WIDGET_CLASSES.items() if isinstance(widget, kind)), default_class
    )
    attrs = {"class": " ".join(filter(None, [widget.attrs.get("class", ""), css]))}
    if field.field.required and not isinstance(widget, forms.CheckboxInput):
        attrs["aria-required"] = "true"
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["class"] += " utrecht-textbox--invalid"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def tel_href(number: str) -> str:
    """A phone number as a `tel:` address: digits and a leading + only ("0900 8844" → "tel:09008844")."""
    text = str(number or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    return f"tel:{'+' if text.startswith('+') else ''}{digits}" if digits else ""
