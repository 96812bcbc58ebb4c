"""Events that organisations announces (core.events). Apps above subscribe in their AppConfig."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vangnet.core.events import Event

if TYPE_CHECKING:
    from .models import Membership
    from .permissions import Actor


@dataclass(frozen=True)
class MembershipChanged(Event):
    """Someone's roles or active state changed (already saved and audited). Reporting revokes
    access to reports when a role that receives them is gone (ADR 0031)."""

    membership: Membership
    added: frozenset[str]
    removed: frozenset[str]
    actor: Actor | None


@dataclass(frozen=True)
class MemberJoined(Event):
    """Someone accepted an invitation and became a member (or an active member again). Conduct
    starts the new colleague's welcome path."""

    membership: Membership
