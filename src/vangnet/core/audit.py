"""The audit log: append-only, keyed, hash-chained per organisation, anchored (docs/adr/0054).

- **Keyed.** Each entry's hash is an HMAC-SHA256 under a key derived from the server key (purpose
  "audit"), which is not in the database. Someone who can write the database but does not hold
  the server key cannot recompute a chain after deleting or changing entries. `key_id` names the
  key that wrote an entry, so entries stay verifiable while that key is listed (current or
  previous); `vangnet rekey` never rewrites history.
- **One chain per organisation, one for the platform** (organisation_id NULL), each with its own
  head row. Appending locks only that head: writers of different organisations never wait for
  each other. Changing or deleting any entry breaks every link after it; the head (count and last
  hash) catches removal at the end.
- **Anchored.** A checkpoint (chain, count, last hash, time) signed with Ed25519 (a signing key
  derived from the server key) is printed by `vangnet audit_checkpoint` and mailed daily to an
  address the organisation chose. Truncating a chain and fixing its head, or rewriting it with the
  server key, is caught by `vangnet audit_verify --checkpoint` when the checkpoint kept outside is
  no longer a prefix of the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import nacl.exceptions
import nacl.signing
from django.db import models, transaction
from django.utils import timezone

from . import crypto
from .models import PLATFORM_CHAIN, AuditChainHead, AuditEntry, chain_name

GENESIS_HASH = "0" * 64
AUDIT_KEY_PURPOSE = "audit"
CHECKPOINT_KEY_PURPOSE = "audit-checkpoint"
CHECKPOINT_VERSION = 1
# Keys that must never reach the audit log; services pass metadata only.
FORBIDDEN_DATA_KEYS = {"content", "narrative", "message", "body", "text", "password", "email"}


def _entry_payload(entry: AuditEntry) -> bytes:
    # The chain and the position are covered too: an entry cannot be moved to another chain or
    # place without breaking its hash.
    return json.dumps(
        {
            "v": 2,
            "chain": entry.chain,
            "sequence": entry.sequence,
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
    ).encode()


def entry_mac(key: bytes, entry: AuditEntry) -> str:
    return hmac.new(key, _entry_payload(entry), hashlib.sha256).hexdigest()


def audit_record(
    *,
    action: str,
    actor: Any = None,
    target: models.Model | None = None,
    organisation_id: int | None = None,
    data: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry to the chain of its organisation (or the platform's). Call inside the
    service's transaction, after the slow reads: the chain's head stays locked until commit."""
    data = dict(data or {})
    leaked = FORBIDDEN_DATA_KEYS & set(data)
    if leaked:
        raise ValueError(f"audit data may not contain {sorted(leaked)}")
    if organisation_id is None and target is not None:
        organisation_id = getattr(target, "organisation_id", None)
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    key_id = crypto.server_key_id()
    key = crypto.server_key(AUDIT_KEY_PURPOSE)
    with transaction.atomic():
        head, opened = _locked_head(organisation_id)
        entry = AuditEntry(
            created_at=timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label or ("system" if actor is None else ""),
            organisation_id=organisation_id,
            action=action,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            data=data,
            chain=head.chain,
            sequence=head.count + 1,
            key_id=key_id,
            previous_hash=head.last_hash,
        )
        entry.entry_hash = entry_mac(key, entry)
        entry.save()
        head.last_hash = entry.entry_hash
        head.count = entry.sequence
        head.save(update_fields=["last_hash", "count"])
        if opened and head.chain != PLATFORM_CHAIN:
            # Noted in the platform chain, so that deleting a whole organisation's chain (entries
            # and head) is detected. After commit, in its own transaction: taking the platform
            # head while holding an organisation's could deadlock with the opposite order.
            # robust: the audited write has committed; a failing note is logged, never raised.
            transaction.on_commit(partial(_note_chain_opened, head.chain, head.organisation_id),
                                  robust=True)
    return entry


CHAIN_OPENED_ACTION = "core.audit_chain_opened"
RECHAINED_ACTION = "core.audit_rechained"


def audit_entry_get(entry_id: int) -> AuditEntry | None:
    """One entry, for a worker that was handed its id (a notice built from what was recorded)."""
    return AuditEntry.objects.filter(pk=entry_id).first()


def _note_chain_opened(chain: str, organisation_id: int | None) -> None:
    audit_record(action=CHAIN_OPENED_ACTION, actor_label="system",
                 data={"chain": chain, "organisation": organisation_id})


def _locked_head(organisation_id: int | None) -> tuple[AuditChainHead, bool]:
    """Lock the head of this organisation's chain (only this one), creating it on first use;
    (head, True when this call created it)."""
    chain = chain_name(organisation_id)
    head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
    created = False
    if head is None:
        _head, created = AuditChainHead.objects.get_or_create(
            chain=chain,
            defaults={"organisation_id": organisation_id, "last_hash": GENESIS_HASH, "count": 0},
        )
        head = AuditChainHead.objects.select_for_update().get(chain=chain)
    return head, created


# --- Verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditProblem:
    entry_id: int | None
    reason: str
    chain: str = ""


def chains_present() -> list[str]:
    names = set(AuditChainHead.objects.values_list("chain", flat=True))
    names |= set(AuditEntry.objects.values_list("chain", flat=True).distinct())
    return sorted(names)


def audit_verify(*, chains: Iterable[str] | None = None,
                 checkpoints: Iterable[dict[str, Any]] = (),
                 extra_verify_keys: Iterable[str] = ()) -> list[AuditProblem]:
    """Walk every chain (or the given ones); return every problem found (empty list: intact).

    Checks each entry's HMAC under the key that wrote it, each link, the position numbers, the
    head, and that every given checkpoint is validly signed and still a prefix of its chain.
    `extra_verify_keys`: public keys of server keys that were rotated away, which the operator
    kept to check checkpoints signed before the rotation."""
    keys = crypto.server_keys_by_id(AUDIT_KEY_PURPOSE)
    problems: list[AuditProblem] = []
    present = chains_present()
    wanted = list(chains) if chains is not None else present
    for chain in wanted:
        problems += _verify_chain(chain, keys)
    if chains is None:
        problems += _vanished_chains(set(present), keys)
    trusted = [*checkpoint_verify_keys(), *extra_verify_keys]
    for checkpoint in checkpoints:
        problems += checkpoint_problems(checkpoint, trusted_verify_keys=trusted)
    return problems


def _verify_chain(chain: str, keys: dict[str, bytes]) -> list[AuditProblem]:
    problems: list[AuditProblem] = []
    previous = GENESIS_HASH
    count = 0
    digest = hashlib.sha256()
    # Entries under a key that is no longer configured are accepted only when a later handover
    # entry (under a configured key) vouches for the exact content of everything before it.
    unvouched: list[AuditEntry] = []
    for entry in _entries_in_order(chain):
        count += 1
        if entry.sequence != count:
            problems.append(AuditProblem(entry.pk, f"expected position {count}, found "
                                                   f"{entry.sequence}: entries are missing", chain))
            count = entry.sequence
        if entry.previous_hash != previous:
            problems.append(AuditProblem(entry.pk, "link to the previous entry is broken", chain))
        key = keys.get(entry.key_id)
        if key is None:
            unvouched.append(entry)
        elif not hmac.compare_digest(entry_mac(key, entry), entry.entry_hash):
            problems.append(AuditProblem(entry.pk, "entry was changed after it was written", chain))
        elif _vouches_for_all_before(entry, digest.hexdigest()):
            unvouched = []
        digest.update(_entry_payload(entry) + entry.entry_hash.encode())
        previous = entry.entry_hash
    problems += [
        AuditProblem(entry.pk, f"written under key {entry.key_id or '(none)'}, which is not "
                               "configured, and no later handover vouches for it", chain)
        for entry in unvouched
    ]
    head = AuditChainHead.objects.filter(chain=chain).first()
    if head is not None:
        if head.count != count:
            problems.append(AuditProblem(None, f"expected {head.count} entries, found {count}",
                                         chain))
        if head.last_hash != previous:
            problems.append(AuditProblem(None, "the last entry does not match the chain head",
                                         chain))
    elif count:
        problems.append(AuditProblem(None, "chain head is missing", chain))
    return problems


HANDOVER_ACTION = "core.audit_key_handover"


def _vanished_chains(present: set[str], keys: dict[str, bytes]) -> list[AuditProblem]:
    """Chains the platform chain says were opened (or re-chained) that are gone altogether."""
    problems = []
    notes = AuditEntry.objects.filter(chain=PLATFORM_CHAIN,
                                      action__in=[CHAIN_OPENED_ACTION, RECHAINED_ACTION])
    for note in notes.order_by("sequence"):
        key = keys.get(note.key_id)
        if key is None or not hmac.compare_digest(entry_mac(key, note), note.entry_hash):
            continue  # reported by the platform chain's own check
        named = [note.data.get("chain")] if note.action == CHAIN_OPENED_ACTION else \
            list(note.data.get("chain_names", []))
        problems += [
            AuditProblem(None, f"the platform chain records this chain (entry {note.pk}), but it "
                               "is gone: all its entries and its head were deleted", str(chain))
            for chain in named if chain and chain not in present
        ]
    return problems


def _vouches_for_all_before(entry: AuditEntry, digest_before: str) -> bool:
    return (entry.action == HANDOVER_ACTION
            and entry.data.get("until") == entry.sequence - 1
            and hmac.compare_digest(str(entry.data.get("digest", "")), digest_before))


def chain_digest(chain: str) -> tuple[int, str]:
    """(entries, SHA-256 over every entry's content and hash, in order): what a handover signs."""
    digest = hashlib.sha256()
    count = 0
    for entry in _entries_in_order(chain):
        count += 1
        digest.update(_entry_payload(entry) + entry.entry_hash.encode())
    return count, digest.hexdigest()


def audit_handover(chain: str) -> AuditEntry | None:
    """After a key rotation: when the chain holds entries written under another key than the
    current one, verify it now (every key is still configured) and append an entry, under the
    current key, that vouches for the exact content of everything before it. The previous key can
    then be dropped without making the old entries unverifiable. History itself is not rewritten.
    Returns None when nothing needs it; raises ValueError when the chain is not intact."""
    current = crypto.server_key_id()
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
        if head is None:
            return None
        last_handover = (AuditEntry.objects.filter(chain=chain, action=HANDOVER_ACTION)
                         .order_by("-sequence").values_list("sequence", flat=True).first() or 0)
        # The last handover itself counts: one written under a previous key needs a new one.
        needs = (AuditEntry.objects.filter(chain=chain, sequence__gte=last_handover)
                 .exclude(key_id=current).exists())
        if not needs:
            return None
        problems = _verify_chain(chain, crypto.server_keys_by_id(AUDIT_KEY_PURPOSE))
        if problems:
            raise ValueError(f"chain {chain} is not intact; no handover written")
        count, digest = chain_digest(chain)
        return audit_record(action=HANDOVER_ACTION, actor_label="system",
                            organisation_id=head.organisation_id,
                            data={"until": count, "digest": digest, "key_id": current})


def _entries_in_order(chain: str) -> Iterator[AuditEntry]:
    return AuditEntry.objects.filter(chain=chain).order_by("sequence", "id").iterator(
        chunk_size=2000
    )


# --- Signed checkpoints ---------------------------------------------------------------------


def _signing_key(root_key: bytes) -> nacl.signing.SigningKey:
    return nacl.signing.SigningKey(root_key)


def checkpoint_signing_key() -> nacl.signing.SigningKey:
    return _signing_key(crypto.server_key(CHECKPOINT_KEY_PURPOSE))


def checkpoint_verify_keys() -> list[str]:
    """Hex Ed25519 verify keys of the current and previous server keys (current first)."""
    return [
        _signing_key(key).verify_key.encode().hex()
        for key in crypto.server_keys_by_id(CHECKPOINT_KEY_PURPOSE).values()
    ]


def _signed_bytes(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


SIGNED_FIELDS = ("version", "chain", "count", "last_hash", "created_at", "verify_key")


def checkpoint_make(organisation_id: int | None, *, now: datetime | None = None) -> dict[str, Any]:
    """A signed statement "chain X had N entries ending in hash H at time T", to keep outside."""
    chain = chain_name(organisation_id)
    head = AuditChainHead.objects.filter(chain=chain).first()
    signing = checkpoint_signing_key()
    fields: dict[str, Any] = {
        "version": CHECKPOINT_VERSION,
        "chain": chain,
        "count": head.count if head else 0,
        "last_hash": head.last_hash if head else GENESIS_HASH,
        "created_at": (now or timezone.now()).isoformat(),
        "verify_key": signing.verify_key.encode().hex(),
    }
    signature = signing.sign(_signed_bytes(fields)).signature.hex()
    return {**fields, "signature": signature}


def checkpoint_problems(checkpoint: dict[str, Any],
                        trusted_verify_keys: Iterable[str] | None = None) -> list[AuditProblem]:
    """Problems with one checkpoint: a bad signature, or a chain it is no longer a prefix of.

    The signature is checked against the installation's own verify keys (or those given), never
    against the key printed inside the checkpoint: a forger would simply sign with their own."""
    chain = str(checkpoint.get("chain", ""))
    trusted = list(trusted_verify_keys) if trusted_verify_keys is not None else checkpoint_verify_keys()
    if not _signature_valid(checkpoint, trusted):
        return [AuditProblem(None, "checkpoint signature is not valid (changed or forged; if it "
                                   "was signed before a key rotation, give that key's public "
                                   "verify key with --verify-key)", chain)]
    count = int(checkpoint["count"])
    if count == 0:
        return []
    entry = AuditEntry.objects.filter(chain=chain, sequence=count).first()
    if entry is None:
        return [AuditProblem(None, f"checkpoint of {checkpoint['created_at']} counts {count} "
                                   "entries; the chain is shorter now (truncated)", chain)]
    if entry.entry_hash != checkpoint["last_hash"]:
        return [AuditProblem(entry.pk, f"checkpoint of {checkpoint['created_at']}: entry {count} "
                                       "has another hash now (the chain was rewritten)", chain)]
    return []


def _signature_valid(checkpoint: dict[str, Any], trusted: list[str]) -> bool:
    try:
        fields = {name: checkpoint[name] for name in SIGNED_FIELDS}
        signature = bytes.fromhex(str(checkpoint["signature"]))
        int(fields["count"])
    except (KeyError, ValueError, TypeError):
        return False
    message = _signed_bytes(fields)
    for verify_key in trusted:
        try:
            nacl.signing.VerifyKey(bytes.fromhex(verify_key)).verify(message, signature)
        except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
            continue
        return True
    return False
