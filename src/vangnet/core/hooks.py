"""Synchronous extension points: an app lower in the stack announces events, apps above it
register handlers in their AppConfig.ready(). Used by organisations and reporting.

Handlers run inside the announcing service's transaction: an exception rolls the change back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Hooks:
    """The handlers of one app's named events, in registration order."""

    def __init__(self, app: str, events: tuple[str, ...]) -> None:
        self.app = app
        self.events = events
        self._handlers: dict[str, list[Callable[..., Any]]] = {event: [] for event in events}

    def register(self, event: str, handler: Callable[..., Any]) -> None:
        if event not in self._handlers:
            raise ValueError(f"unknown {self.app} event {event!r}; known: {self.events}")
        if handler not in self._handlers[event]:
            self._handlers[event].append(handler)

    def unregister(self, event: str, handler: Callable[..., Any]) -> None:
        if handler in self._handlers.get(event, []):
            self._handlers[event].remove(handler)

    def fire(self, event: str, *args: Any) -> None:
        for handler in list(self._handlers[event]):
            handler(*args)
