"""The shape of every write (DESIGN.md §3, issue 11): the permission first, then one atomic
change, then an audit entry naming the actor, in the same transaction. Apps' services use these
instead of keeping their own copies of the same three lines.

    with service_write(allowed=can_x(actor), action="cases.lesson", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        lesson = Lesson.objects.create(...)
        change.target = lesson

The entry is written when the block ends, so it sees the change's final ids. A target that the
block deletes is named before the delete (`change.target = unit; unit.delete()`): its type and id
are taken when it is set. After the block, `change.entry` is the audit entry (a notice that refers
to it carries its id). A write that turns out to change nothing calls `change.nothing_changed()`
and leaves no entry.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from .audit import audit_record

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from .models import AuditEntry


class HasUser(Protocol):
    """Anyone acting through a service: organisations' Actor, or a test's stand-in."""

    @property
    def user_id(self) -> int: ...


def require(allowed: bool) -> None:
    """Refuse (PermissionDenied) before anything is read or written."""
    if not allowed:
        raise PermissionDenied


def actor_user(actor: HasUser | AbstractBaseUser | None) -> Any:
    """The acting user as the audit log's reference, without a query. Who acts: an Actor
    (anything with a user_id), a user object (someone without a membership yet, such as a person
    accepting an invitation), or None (the system: a job, a worker, a command)."""
    if actor is None:
        return None
    user_id = getattr(actor, "user_id", None)
    if user_id is not None:
        return get_user_model()(pk=user_id)
    return actor


class AuditedChange:
    """What the audit entry will say about the change: filled in inside the `with` block."""

    def __init__(self, *, actor: HasUser | AbstractBaseUser | None,
                 target: models.Model | None = None, organisation_id: int | None = None) -> None:
        # Who acts; a block sets it when the acting account appears only inside it (a person
        # accepting an invitation gets their account there).
        self.actor = actor
        # Whose audit chain: the target's organisation unless named (a block may name it once
        # it has read the row).
        self.organisation_id = organisation_id
        self.data: dict[str, Any] = {}
        self.entry: AuditEntry | None = None
        self._target: models.Model | None = None
        self._snapshot: models.Model | None = None
        self.recorded = True
        if target is not None:
            self.target = target

    @property
    def target(self) -> models.Model | None:
        return self._target

    @target.setter
    def target(self, target: models.Model | None) -> None:
        self._target = target
        # A shallow copy keeps type, id and organisation when the block deletes the original
        # (Django sets a deleted instance's pk to None).
        self._snapshot = copy.copy(target) if target is not None and target.pk is not None else None

    def audited_target(self) -> models.Model | None:
        if self._target is not None and self._target.pk is None and self._snapshot is not None:
            return self._snapshot
        return self._target

    @property
    def entry_id(self) -> int:
        """The audit entry's id, for a notice that refers to it (after the block)."""
        if self.entry is None:
            raise RuntimeError("No audit entry: the write is still open or changed nothing.")
        return self.entry.pk

    def nothing_changed(self) -> None:
        """The write found nothing to change: no audit entry (the transaction still commits)."""
        self.recorded = False


@contextmanager
def service_write(*, action: str, actor: HasUser | AbstractBaseUser | None, allowed: bool = True,
                  organisation_id: int | None = None, target: models.Model | None = None,
                  actor_label: str = "") -> Iterator[AuditedChange]:
    """Permission, one transaction, and the audit entry at its end (ids and metadata only: never
    content). An exception inside the block rolls back the change and writes no entry."""
    require(allowed)
    with transaction.atomic():
        change = AuditedChange(actor=actor, target=target, organisation_id=organisation_id)
        yield change
        if change.recorded:
            change.entry = audit_record(
                action=action, actor=actor_user(change.actor), target=change.audited_target(),
                organisation_id=change.organisation_id, data=change.data, actor_label=actor_label)
