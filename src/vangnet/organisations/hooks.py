"""Synchronous extension points for apps above organisations (reporting). Register in the other
app's AppConfig.ready(); organisations never imports them.

Events and handler signatures:
- "membership_changed": handler(membership, added: frozenset[str], removed: frozenset[str],
  actor: Actor | None) after someone's roles or active state changed. Reporting revokes access
  to reports when a role that receives them is gone (docs/adr/0031).
- "member_joined": handler(membership) after someone accepted an invitation and became a member
  (or an active member again). Conduct starts the new colleague's welcome path.

Handlers run inside the service's transaction: an exception rolls the whole change back.
"""

from __future__ import annotations

from vangnet.core.hooks import Hooks

EVENTS = ("membership_changed", "member_joined")
_hooks = Hooks("organisations", EVENTS)
register = _hooks.register
unregister = _hooks.unregister
fire = _hooks.fire
