"""Typed events between apps (ADR 0060, 0061): an app lower in the stack announces that something
happened; apps above it subscribe in their AppConfig. The lower app never imports its listeners.

Each event is a frozen dataclass that names its fields and their types, so a handler and the
announcing service are checked by mypy against one definition instead of agreeing on a string
and a list of positional arguments. Handlers run synchronously, inside the announcing service's
transaction: an exception in a handler rolls the whole change back (a report is never stored
without its case).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar


@dataclass(frozen=True)
class Event:
    """Base of every event. Subclass it as a frozen dataclass in the announcing app's events.py."""


E = TypeVar("E", bound=Event)
_subscribers: defaultdict[type[Event], list[Callable[[Any], None]]] = defaultdict(list)


def subscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    """Call `handler(event)` for every published event of exactly this type (once per handler)."""
    if not (isinstance(event_type, type) and issubclass(event_type, Event)) or event_type is Event:
        raise TypeError(f"subscribe to a subclass of Event, not {event_type!r}")
    if handler not in _subscribers[event_type]:
        _subscribers[event_type].append(handler)


def unsubscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    if handler in _subscribers.get(event_type, []):
        _subscribers[event_type].remove(handler)


def publish(event: Event) -> None:
    """Run every subscriber of this event's type, in the order they subscribed."""
    for handler in list(_subscribers.get(type(event), [])):
        handler(event)


def subscribers(event_type: type[Event]) -> list[Callable[[Any], None]]:
    """Who listens (for tests and for the architecture page)."""
    return list(_subscribers.get(event_type, []))
