"""What a Vangnet app plugs into the product, declared in one place: its AppConfig (ADR 0061).

Adding an app means writing its `apps.py` and listing it in INSTALLED_APPS; the project's URLs,
the API, the menu, the demo data, the e-mail kinds, the scheduler and the event subscriptions
find it through these declarations instead of lists of app names in several files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from types import ModuleType
from typing import Any, Literal

from django.apps import AppConfig, apps

from .events import Event, subscribe
from .signal_sources import SignalSource

ModuleKind = Literal["urls", "api", "navigation", "demo", "mails"]


@dataclass(frozen=True)
class Job:
    """A periodic job: `task` (a django-tasks Task) is enqueued once per `every` (ADR 0006)."""

    name: str
    every: timedelta
    task: Any


class VangnetAppConfig(AppConfig):
    """Base of every Vangnet app's AppConfig. Name the app's modules that the product uses (None:
    the app has none), and override `periodic_jobs` and `event_handlers`; `ready()` registers them.

    - urls: pages mounted below /o/<org_slug>/
    - api: a module with `PREFIX` and a django-ninja `router`, mounted below /api/v1/
    - navigation: `nav_items(actor)` and `public_items(organisation)` for menus and home cards
    - demo: `seed(organisation=, people=)` for `vangnet seed_demo`
    - mails: the app's `@mail_kind` declarations

    and override `signal_sources` to feed the signals dashboard (ADR 0090).
    """

    default = False  # subclasses are the apps' defaults; this base is no app of its own
    default_auto_field = "django.db.models.BigAutoField"
    urls: str | None = None
    api: str | None = None
    navigation: str | None = None
    demo: str | None = None
    mails: str | None = None

    def periodic_jobs(self) -> list[Job]:
        return []

    def event_handlers(self) -> list[tuple[type[Event], Callable[[Any], None]]]:
        return []

    def signal_sources(self) -> list[SignalSource]:
        """Typed sources of per-unit, per-quarter figures, already suppressed (ADR 0090)."""
        return []

    def ready(self) -> None:
        # This module is imported with the AppConfigs, before any model exists.
        from .scheduling import register_periodic  # noqa: PLC0415 - scheduling imports models

        for job in self.periodic_jobs():
            register_periodic(job.name, every=job.every, task=job.task)
        for event_type, handler in self.event_handlers():
            subscribe(event_type, handler)

    def app_module(self, kind: ModuleKind) -> ModuleType | None:
        name = getattr(self, kind)
        return import_module(f"{self.name}.{name}") if name else None


def vangnet_apps() -> list[VangnetAppConfig]:
    """The installed Vangnet apps, in INSTALLED_APPS order."""
    return [config for config in apps.get_app_configs() if isinstance(config, VangnetAppConfig)]


def installed_signal_sources() -> list[SignalSource]:
    """Every installed app's signal sources, in INSTALLED_APPS order."""
    return [source for config in vangnet_apps() for source in config.signal_sources()]


def app_modules(kind: ModuleKind) -> Iterator[tuple[str, ModuleType]]:
    """(app label, module) for every installed app that declares a module of this kind."""
    for config in vangnet_apps():
        module = config.app_module(kind)
        if module is not None:
            yield config.label, module
