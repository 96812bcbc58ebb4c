"""Synchronous extension points for apps above organisations (reporting). Register in the other
app's AppConfig.ready(); organisations never imports them.

Events and handler signatures:
- "membership_changed": handler(membership, added: frozenset[str], removed: frozenset[str],
  actor: Actor | None) after someone's roles or active state changed. Reporting revokes access
  to reports when a role that receives them is gone (docs/adr/0031).

Handlers run inside the service's transaction: an exception rolls the whole change back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EVENTS = ("membership_changed",)
_handlers: dict[str, list[Callable[..., Any]]] = {event: [] for event in EVENTS}


def register(event: str, handler: Callable[..., Any]) -> None:
    if event not in _handlers:
        raise ValueError(f"unknown organisations event {event!r}; known: {EVENTS}")
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


def fire(event: str, *args: Any) -> None:
    for handler in list(_handlers[event]):
        handler(*args)
