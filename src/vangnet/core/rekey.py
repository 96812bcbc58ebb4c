"""Moving server-held data to the current server key, so previous keys can be dropped (ADR 0030).

Apps register one step per kind of data (`register_rekey_step` in their AppConfig.ready()). A step
reads with every configured key (`crypto.server_keys`), writes with the current one, works in
batches, is idempotent (data already under the current key is left alone) and reports counts.
`vangnet rekey` runs them all, re-wraps the held secrets, retires the keys the upgrade kept from
the previous version once nothing depends on them, and writes one audit entry with the counts.

What is not re-keyed, on purpose: the audit chain (history is never rewritten; instead each chain
gets a handover entry under the current key that vouches for everything before it, ADR 0054), and
the receipt pepper and salt (re-wrapped, not changed: a receipt code, which the server never
stores, would be needed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from . import crypto
from .audit import audit_handover, audit_record, chains_present
from .models import HeldSecret


@dataclass
class RekeyCount:
    """What one step found: rows looked at, moved to the current key, and still unreadable."""

    checked: int = 0
    rekeyed: int = 0
    unreadable: int = 0
    notes: list[str] = field(default_factory=list)

    def as_data(self) -> dict[str, int]:
        return {"checked": self.checked, "rekeyed": self.rekeyed, "unreadable": self.unreadable}


# A step: (dry_run, batch_size) -> counts. Must be idempotent and write only under the current key.
RekeyStep = Callable[[bool, int], RekeyCount]
_steps: dict[str, RekeyStep] = {}


def register_rekey_step(name: str, step: RekeyStep) -> None:
    _steps[name] = step


def registered_steps() -> dict[str, RekeyStep]:
    return dict(sorted(_steps.items()))


def rewrap_held_secrets(dry_run: bool, batch_size: int) -> RekeyCount:
    """Held secrets keep their value; only the wrapping moves to the current key."""
    count = RekeyCount()
    current = crypto.server_key_id()
    for row in HeldSecret.objects.order_by("pk").iterator(chunk_size=batch_size):
        count.checked += 1
        if row.key_id == current:
            continue
        try:
            value = crypto.unwrap_held_secret(row.key_id, bytes(row.ciphertext))
        except ImproperlyConfigured:  # wrapped under a key that is not configured
            count.unreadable += 1
            continue
        count.rekeyed += 1
        if not dry_run:
            key_id, ciphertext = crypto.wrap_held_secret(value)
            HeldSecret.objects.filter(pk=row.pk, key_id=row.key_id).update(
                key_id=key_id, ciphertext=ciphertext
            )
    return count


def _audit_handovers() -> RekeyCount:
    """One handover entry per chain that holds entries under another key (ADR 0054)."""
    count = RekeyCount()
    for chain in chains_present():
        count.checked += 1
        try:
            if audit_handover(chain) is not None:
                count.rekeyed += 1
        except ValueError as error:
            count.unreadable += 1
            count.notes.append(str(error))
    return count


def run_rekey(*, dry_run: bool = False, batch_size: int = 500) -> dict[str, RekeyCount]:
    """Run every step; then, when nothing was left unreadable, retire the previous version's keys."""
    results: dict[str, RekeyCount] = {}
    for name, step in registered_steps().items():
        results[name] = step(dry_run, batch_size)
    results["core.held_secrets"] = rewrap_held_secrets(dry_run, batch_size)
    legacy = HeldSecret.objects.filter(name__startswith=crypto.LEGACY_PREFIX)
    retired = RekeyCount(checked=legacy.count())
    if not any(result.unreadable for result in results.values()):
        retired.rekeyed = retired.checked
        if not dry_run:
            legacy.delete()
    else:
        retired.notes.append("kept: some data could not be read; fix that and run rekey again")
    results["core.legacy_keys_retired"] = retired
    if not dry_run:
        results["core.audit_handover"] = _audit_handovers()
    crypto.forget_cached_keys()
    if not dry_run:
        with transaction.atomic():
            audit_record(action="core.rekey", actor_label="system", data={
                "key_id": crypto.server_key_id(),
                "steps": {name: result.as_data() for name, result in results.items()},
            })
    return results
