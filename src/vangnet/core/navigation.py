"""Navigation contributed by each app: `<app>.navigation.nav_items(actor)`.

Apps stay independent: core only knows that an app may offer links for an actor. The home page per
role and the main menu are both built from these items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps


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
    for config in apps.get_app_configs():
        if not config.name.startswith("vangnet."):
            continue
        try:
            module = import_module(f"{config.name}.navigation")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.navigation":
                raise
            continue
        provider = getattr(module, "nav_items", None)
        if provider is not None:
            items.extend(provider(actor))
    return sorted(items, key=lambda item: (item.order, item.label))
