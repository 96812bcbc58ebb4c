"""The audit log: append-only and hash-chained, written by services, verified by a command.

Each entry's hash covers its own fields and the previous entry's hash, so changing or deleting any
entry breaks every hash after it; the chain head (hash and count) catches removal at the end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64
# Keys that must never reach the audit log; services pass metadata only.
FORBIDDEN_DATA_KEYS = {"content", "narrative", "message", "body", "text", "password", "email"}


def _entry_payload(entry: AuditEntry) -> str:
    return json.dumps(
        {
            "created_at": entry.created_at.isoformat(),
            "actor_id": entry.actor_id,
            "actor_label": entry.actor_label,
            "organisation_id": entry.organisation_id,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "data": entry.data,
            "previous_hash": entry.previous_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_entry_payload(entry).encode()).hexdigest()


def audit_record(
    *,
    action: str,
    actor: Any = None,
    target: models.Model | None = None,
    organisation_id: int | None = None,
    data: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry. Call inside the service's transaction."""
    data = dict(data or {})
    leaked = FORBIDDEN_DATA_KEYS & set(data)
    if leaked:
        raise ValueError(f"audit data may not contain {sorted(leaked)}")
    if organisation_id is None and target is not None:
        organisation_id = getattr(target, "organisation_id", None)
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    with transaction.atomic():
        head = _locked_head()
        entry = AuditEntry(
            created_at=timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label or ("system" if actor is None else ""),
            organisation_id=organisation_id,
            action=action,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            data=data,
            previous_hash=head.last_hash,
        )
        entry.entry_hash = compute_hash(entry)
        entry.save()
        head.last_hash = entry.entry_hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return entry


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _ = AuditChainHead.objects.get_or_create(
            pk=1, defaults={"last_hash": GENESIS_HASH, "count": 0}
        )
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


@dataclass(frozen=True)
class AuditProblem:
    entry_id: int | None
    reason: str


def audit_verify() -> list[AuditProblem]:
    """Walk the chain; return every problem found (empty list: intact)."""
    problems: list[AuditProblem] = []
    previous = GENESIS_HASH
    count = 0
    for entry in _entries_in_order():
        count += 1
        if entry.previous_hash != previous:
            problems.append(AuditProblem(entry.pk, "link to the previous entry is broken"))
        if compute_hash(entry) != entry.entry_hash:
            problems.append(AuditProblem(entry.pk, "entry was changed after it was written"))
        previous = entry.entry_hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None:
        if head.count != count:
            problems.append(AuditProblem(None, f"expected {head.count} entries, found {count}"))
        if head.last_hash != previous:
            problems.append(AuditProblem(None, "the last entry does not match the chain head"))
    elif count:
        problems.append(AuditProblem(None, "chain head is missing"))
    return problems


def _entries_in_order() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("id").iterator(chunk_size=2000)
