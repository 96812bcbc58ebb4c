"""Synchronous extension points for other apps (cases). Register in your AppConfig.ready().

Events and handler signatures:
- "report_submitted": handler(report)
- "question_answered": handler(question, answer: str)

Handlers run inside the service's transaction: an exception rolls the whole action back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EVENTS = ("report_submitted", "question_answered")
_handlers: dict[str, list[Callable[..., Any]]] = {event: [] for event in EVENTS}


def register(event: str, handler: Callable[..., Any]) -> None:
    if event not in _handlers:
        raise ValueError(f"unknown reporting event {event!r}; known: {EVENTS}")
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


def unregister(event: str, handler: Callable[..., Any]) -> None:
    if handler in _handlers.get(event, []):
        _handlers[event].remove(handler)


def fire(event: str, *args: Any) -> None:
    for handler in list(_handlers[event]):
        handler(*args)
