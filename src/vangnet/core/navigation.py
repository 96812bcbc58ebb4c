"""Navigation contributed by each app: `<app>.navigation.nav_items(actor)`.

Apps stay independent: core only knows that an app may offer links for an actor. The home page per
role and the main menu are both built from these items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .app import app_modules


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    description: str = ""
    section: str = ""
    in_menu: bool = True
    order: int = 50
    children: tuple[NavItem, ...] = field(default_factory=tuple)


def nav_items_for(actor: Any) -> list[NavItem]:
    items: list[NavItem] = []
    for _label, module in app_modules("navigation"):
        provider = getattr(module, "nav_items", None)
        if provider is not None:
            items.extend(provider(actor))
    return sorted(items, key=lambda item: (item.order, item.label))
