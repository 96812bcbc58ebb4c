"""Form rendering with NL Design System (Utrecht) markup for every field."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class VangnetFormRenderer(TemplatesSetting):
    form_template_name = "components/form.html"
    field_template_name = "components/field.html"
