"""Public links per organisation, contributed by apps: `<app>.navigation.public_items(org)`."""

from __future__ import annotations

from typing import Any

from .app import app_modules
from .navigation import NavItem


def public_links_for(organisation: Any) -> list[NavItem]:
    items: list[NavItem] = []
    for _label, module in app_modules("navigation"):
        provider = getattr(module, "public_items", None)
        if provider is not None:
            items.extend(provider(organisation))
    return sorted(items, key=lambda item: (item.order, item.label))
