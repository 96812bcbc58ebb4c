"""Public links per organisation, contributed by apps: `<app>.navigation.public_items(org)`."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps

from .navigation import NavItem


def public_links_for(organisation: Any) -> list[NavItem]:
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
        if hasattr(module, "public_items"):
            items.extend(module.public_items(organisation))
    return sorted(items, key=lambda item: (item.order, item.label))
