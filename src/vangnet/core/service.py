"""The shape of every write (DESIGN.md §3, issue 11): the permission first, then one atomic
change, then an audit entry naming the actor, in the same transaction. Apps' services use these
instead of keeping their own copies of the same three lines.

    with service_write(allowed=can_x(actor), action="cases.lesson", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        lesson = Lesson.objects.create(...)
        change.target = lesson
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from .audit import audit_record


class HasUser(Protocol):
    """Anyone acting through a service: organisations' Actor, or a test's stand-in."""

    @property
    def user_id(self) -> int: ...


def require(allowed: bool) -> None:
    """Refuse (PermissionDenied) before anything is read or written."""
    if not allowed:
        raise PermissionDenied


def actor_user(actor: HasUser | None) -> Any:
    """The acting user as the audit log's reference, without a query (None: the system)."""
    return get_user_model()(pk=actor.user_id) if actor is not None else None


@dataclass
class AuditedChange:
    """What the audit entry will say about the change: filled in inside the `with` block."""

    target: models.Model | None = None
    data: dict[str, Any] = field(default_factory=dict)


@contextmanager
def service_write(*, action: str, actor: HasUser | None, allowed: bool = True,
                  organisation_id: int | None = None,
                  actor_label: str = "") -> Iterator[AuditedChange]:
    """Permission, one transaction, and the audit entry at its end (ids and metadata only: never
    content). An exception inside the block rolls back the change and writes no entry."""
    require(allowed)
    with transaction.atomic():
        change = AuditedChange()
        yield change
        audit_record(action=action, actor=actor_user(actor), target=change.target,
                     organisation_id=organisation_id, data=change.data, actor_label=actor_label)
