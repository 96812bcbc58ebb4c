"""POST data as a browser would send it for an unchanged form: every field's current value."""

from __future__ import annotations

from typing import Any


def form_data(*forms: Any) -> dict[str, Any]:
    """Field values of unbound forms (or formsets, with their management form) as POST data.
    Checkboxes that are off are left out, like a browser does."""
    data: dict[str, Any] = {}
    for form in forms:
        if hasattr(form, "management_form"):
            data.update(form_data(form.management_form, *form.forms))
            continue
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)
    return data
