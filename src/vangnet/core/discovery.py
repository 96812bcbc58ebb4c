"""Find an optional module in every Vangnet app, e.g. each app's `navigation` or `demo`."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> Iterator[tuple[str, ModuleType]]:
    """Yield (app label, module) for each installed Vangnet app that has `<app>.<name>`.

    An app without the module is skipped; an import error inside an existing module is raised,
    so a broken module is never silently ignored.
    """
    for config in apps.get_app_configs():
        if not config.name.startswith("vangnet."):
            continue
        module_name = f"{config.name}.{name}"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        yield config.label, module
