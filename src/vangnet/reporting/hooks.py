"""Synchronous extension points for other apps (cases). Register in your AppConfig.ready().

Events and handler signatures:
- "report_submitted": handler(report)
- "question_answered": handler(question, answer: str)

Handlers run inside the service's transaction: an exception rolls the whole action back.
"""

from __future__ import annotations

from vangnet.core.hooks import Hooks

EVENTS = ("report_submitted", "question_answered")
_hooks = Hooks("reporting", EVENTS)
register = _hooks.register
unregister = _hooks.unregister
fire = _hooks.fire
