"""Template helpers of the toolbox: glossary links and small display helpers."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from .. import glossary
from ..forms import audience_choices
from ..models import Werkvorm

register = template.Library()


def _language() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def _glossary_url(context: template.Context) -> str:
    if context.get("glossary_url"):
        return str(context["glossary_url"])
    organisation = context.get("organisation")
    if organisation is None:
        return ""
    try:
        return reverse("toolbox:glossary", args=[organisation.slug])
    except NoReverseMatch:  # pragma: no cover - the toolbox URLs are always installed with it
        return ""


def _seen(context: template.Context) -> set[str]:
    """Terms already linked on this page: link each term once per page, not once per text."""
    holder: Any = context.get("request") or context.get("glossary_seen_holder")
    if holder is None:
        return set()
    if not hasattr(holder, "_glossary_seen"):
        holder._glossary_seen = set()
    return holder._glossary_seen


@register.simple_tag(takes_context=True)
def terms(context: template.Context, text: str, exclude: str = "") -> SafeString:
    """Inline text with glossary terms linked (escaped)."""
    return glossary.link_terms(str(text or ""), glossary_url=_glossary_url(context),
                               language=_language(), seen=_seen(context), exclude=exclude)


@register.simple_tag(takes_context=True)
def paragraphs(context: template.Context, text: str, exclude: str = "") -> SafeString:
    """Paragraphs with glossary terms linked (escaped)."""
    return glossary.paragraphs(str(text or ""), glossary_url=_glossary_url(context),
                               language=_language(), seen=_seen(context), exclude=exclude)


@register.filter
def in_language(werkvorm: Any, field: str) -> Any:
    """`werkvorm|in_language:"title"` → the text in the active language."""
    language = _language()
    if field in ("title", "purpose"):
        return getattr(werkvorm, field)(language)
    return werkvorm.body(language).get(field, "")


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """`{{ theme_names|lookup:slug }}`: a dictionary value in a template."""
    if not mapping:
        return ""
    return mapping.get(key, key)


@register.filter
def audience_label(value: str) -> Any:
    return dict(audience_choices()).get(value, value)


@register.filter
def kind_label(value: str) -> Any:
    return dict(Werkvorm.Kind.choices).get(value, value)
