"""The audit log: keyed, one chain per organisation, anchored by signed checkpoints (ADR 0054).

Each attack test rewrites the database the way someone with database access but without the
server key would, and passes only when `audit_verify` notices.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vangnet.core import audit
from vangnet.core.audit import audit_record, audit_verify, checkpoint_make, checkpoint_problems
from vangnet.core.models import AuditChainHead, AuditEntry, chain_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(db):
    return [audit_record(action=f"test.action{i}", data={"n": i}) for i in range(5)]


def _rechain(chain: str, mac) -> None:
    """What an attacker with the database does after deleting rows: renumber, relink, re-hash
    every entry with `mac`, and fix the head so that counts and last hash agree again."""
    previous = audit.GENESIS_HASH
    entries = list(AuditEntry.objects.filter(chain=chain).order_by("sequence"))
    for position, entry in enumerate(entries, start=1):
        entry.sequence = position
        entry.previous_hash = previous
        entry.entry_hash = mac(entry)
        AuditEntry.objects.filter(pk=entry.pk).update(
            sequence=entry.sequence, previous_hash=entry.previous_hash, entry_hash=entry.entry_hash
        )
        previous = entry.entry_hash
    AuditChainHead.objects.filter(chain=chain).update(count=len(entries), last_hash=previous)


def test_intact_chain_verifies(chain):
    assert audit_verify() == []
    call_command("audit_verify")


def test_entries_are_macs_not_plain_hashes(chain):
    # The stored hash is not the unkeyed SHA-256 of the payload: it needs the server key.
    entry = chain[0]
    assert entry.entry_hash != hashlib.sha256(audit._entry_payload(entry)).hexdigest()
    assert entry.key_id and len(entry.entry_hash) == 64


def test_changed_entry_is_detected(chain):
    AuditEntry.objects.filter(pk=chain[2].pk).update(action="test.forged")
    problems = audit_verify()
    assert [p.entry_id for p in problems] == [chain[2].pk]
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_deleting_an_entry_and_recomputing_the_chain_with_sha256_is_detected(chain):
    # The attack of finding 5: delete, recompute the chain the old (unkeyed) way.
    AuditEntry.objects.filter(pk=chain[2].pk).delete()
    _rechain("platform", lambda entry: hashlib.sha256(audit._entry_payload(entry)).hexdigest())
    problems = audit_verify()
    assert {p.entry_id for p in problems} == {chain[0].pk, chain[1].pk, chain[3].pk, chain[4].pk}
    assert all("changed after it was written" in p.reason for p in problems)
    with pytest.raises(CommandError):
        call_command("audit_verify")


@pytest.mark.parametrize("guessed_key", [b"", b"vangnet:audit", hashlib.sha256(b"SECRET_KEY").digest()])
def test_deleting_an_entry_and_recomputing_with_a_wrong_key_is_detected(chain, guessed_key):
    AuditEntry.objects.filter(pk=chain[1].pk).delete()
    _rechain("platform", lambda entry: hmac.new(guessed_key, audit._entry_payload(entry),
                                                hashlib.sha256).hexdigest())
    problems = audit_verify()
    assert len(problems) == 4 and all("changed" in p.reason for p in problems)


def test_changed_entry_with_recomputed_plain_hash_is_detected(chain):
    forged = AuditEntry.objects.get(pk=chain[1].pk)
    forged.data = {"n": 99}
    forged.entry_hash = hashlib.sha256(audit._entry_payload(forged)).hexdigest()
    forged.save()
    problems = audit_verify()
    assert any(p.entry_id == chain[1].pk and "changed" in p.reason for p in problems)
    assert any(p.entry_id == chain[2].pk and "link" in p.reason for p in problems)


def test_removed_entry_in_the_middle_is_detected(chain):
    AuditEntry.objects.filter(pk=chain[2].pk).delete()
    assert any(p.entry_id == chain[3].pk for p in audit_verify())


def test_removed_last_entry_is_detected(chain):
    AuditEntry.objects.filter(pk=chain[-1].pk).delete()
    assert any("expected 5 entries" in p.reason for p in audit_verify())


def test_moving_an_entry_to_another_organisation_is_detected(organisation, other_organisation):
    entry = audit_record(action="test.a", organisation_id=organisation.pk)
    AuditEntry.objects.filter(pk=entry.pk).update(organisation_id=other_organisation.pk)
    assert [p.entry_id for p in audit_verify()] == [entry.pk]


def test_audit_refuses_content_keys(db):
    with pytest.raises(ValueError):
        audit_record(action="report.create", data={"narrative": "secret"})


# --- One chain per organisation ---------------------------------------------------------------


def _counts() -> dict[str, int]:
    return dict(AuditChainHead.objects.values_list("chain", "count"))


def test_each_organisation_has_its_own_chain(organisation, other_organisation):
    before = _counts()
    a, b = chain_name(organisation.pk), chain_name(other_organisation.pk)
    a1 = audit_record(action="test.a", organisation_id=organisation.pk)
    b1 = audit_record(action="test.b", organisation_id=other_organisation.pk)
    p1 = audit_record(action="test.p")
    a2 = audit_record(action="test.a", organisation_id=organisation.pk)
    assert (a1.chain, b1.chain, p1.chain) == (a, b, "platform")
    assert a2.sequence == a1.sequence + 1 and a2.previous_hash == a1.entry_hash
    # The other organisation's entry does not sit between them: it is in its own chain.
    assert b1.sequence == before.get(b, 0) + 1 and p1.sequence == before.get("platform", 0) + 1
    after = _counts()
    assert after[a] == before.get(a, 0) + 2 and after[b] == before.get(b, 0) + 1
    assert audit_verify() == []
    call_command("audit_verify", "--organisation", organisation.slug)
    # Tampering in one organisation's chain is reported in that chain only.
    AuditEntry.objects.filter(pk=b1.pk).update(action="test.forged")
    assert {p.chain for p in audit_verify()} == {chain_name(other_organisation.pk)}
    call_command("audit_verify", "--organisation", organisation.slug)


# --- Signed checkpoints -----------------------------------------------------------------------


def test_truncating_the_tail_and_fixing_the_head_is_caught_by_a_saved_checkpoint(
    organisation, tmp_path: Path
):
    entries = [audit_record(action=f"test.{i}", organisation_id=organisation.pk) for i in range(4)]
    saved = tmp_path / "checkpoint.json"
    with saved.open("w") as out:
        call_command("audit_checkpoint", "--organisation", organisation.slug, stdout=out)
    checkpoint = json.loads(saved.read_text())
    assert checkpoint["count"] == entries[-1].sequence
    assert checkpoint["last_hash"] == entries[-1].entry_hash
    call_command("audit_verify", "--checkpoint", str(saved))
    # The attacker removes the last two entries and sets the head to the new end.
    AuditEntry.objects.filter(pk__in=[entries[2].pk, entries[3].pk]).delete()
    AuditChainHead.objects.filter(chain=chain_name(organisation.pk)).update(
        count=entries[1].sequence, last_hash=entries[1].entry_hash)
    assert audit_verify() == []  # without a checkpoint the shortened chain looks whole …
    problems = audit_verify(checkpoints=[checkpoint])  # … the checkpoint kept outside does not
    assert len(problems) == 1 and "truncated" in problems[0].reason
    with pytest.raises(CommandError):
        call_command("audit_verify", "--checkpoint", str(saved))


def test_a_rewrite_with_the_server_key_is_caught_by_a_saved_checkpoint(organisation):
    # Even someone holding the server key and the database cannot rewrite what a checkpoint
    # kept outside already covers.
    entries = [audit_record(action=f"test.{i}", organisation_id=organisation.pk) for i in range(3)]
    checkpoint = checkpoint_make(organisation.pk)
    AuditEntry.objects.filter(pk=entries[1].pk).delete()
    audit_record(action="test.filler", organisation_id=organisation.pk)
    from vangnet.core import crypto

    key = crypto.server_key(audit.AUDIT_KEY_PURPOSE)
    _rechain(chain_name(organisation.pk), lambda entry: audit.entry_mac(key, entry))
    assert audit_verify() == []
    problems = checkpoint_problems(checkpoint)
    assert len(problems) == 1 and "rewritten" in problems[0].reason


@pytest.mark.parametrize("field", ["count", "last_hash", "chain", "created_at"])
def test_a_changed_checkpoint_is_refused(organisation, field):
    for i in range(3):
        audit_record(action=f"test.{i}", organisation_id=organisation.pk)
    checkpoint = checkpoint_make(organisation.pk)
    assert checkpoint_problems(checkpoint) == []
    forged = dict(checkpoint)
    forged[field] = {"count": 2, "last_hash": "f" * 64, "chain": "platform",
                     "created_at": "2030-01-01T00:00:00+00:00"}[field]
    problems = checkpoint_problems(forged)
    assert len(problems) == 1 and "signature" in problems[0].reason


def test_a_checkpoint_signed_with_another_key_is_refused(organisation):
    import nacl.signing

    audit_record(action="test.a", organisation_id=organisation.pk)
    checkpoint = checkpoint_make(organisation.pk)
    # The forger signs a shorter checkpoint with their own key and prints their own verify key.
    forger = nacl.signing.SigningKey.generate()
    fields = {**{name: checkpoint[name] for name in audit.SIGNED_FIELDS}, "count": 0,
              "verify_key": forger.verify_key.encode().hex()}
    forged = {**fields, "signature": forger.sign(audit._signed_bytes(fields)).signature.hex()}
    problems = checkpoint_problems(forged)
    assert len(problems) == 1 and "signature" in problems[0].reason
    for broken in ({}, {**checkpoint, "signature": "zz"}, {**checkpoint, "count": "many"}):
        assert "signature" in checkpoint_problems(broken)[0].reason


def test_verify_key_is_printable_and_matches_checkpoints(organisation, capsys):
    call_command("audit_checkpoint", "--verify-key")
    printed = capsys.readouterr().out.split()
    checkpoint = checkpoint_make(organisation.pk)
    assert printed[0] == checkpoint["verify_key"] and len(printed[0]) == 64
    # An outside verifier with only the printed key accepts the checkpoint.
    assert checkpoint_problems(checkpoint, trusted_verify_keys=printed[:1]) == []


def test_audit_verify_reports_an_unreadable_checkpoint_file(tmp_path: Path, db):
    bad = tmp_path / "x.json"
    bad.write_text("not json")
    with pytest.raises(CommandError, match="Cannot read checkpoint"):
        call_command("audit_verify", "--checkpoint", str(bad))


def test_deleting_a_whole_organisation_chain_is_detected(
    organisation, other_organisation, django_capture_on_commit_callbacks
):
    """Deleting every entry and the head of one organisation leaves no broken link in that chain;
    the platform chain's note that the chain was opened still gives it away."""
    AuditEntry.objects.all().delete()
    AuditChainHead.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(action="test.a", organisation_id=organisation.pk)
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(action="test.b", organisation_id=other_organisation.pk)
    opened = AuditEntry.objects.filter(action="core.audit_chain_opened", chain="platform")
    assert sorted(e.data["chain"] for e in opened) == sorted(
        [chain_name(organisation.pk), chain_name(other_organisation.pk)])
    assert audit_verify() == []
    AuditEntry.objects.filter(chain=chain_name(organisation.pk)).delete()
    AuditChainHead.objects.filter(chain=chain_name(organisation.pk)).delete()
    problems = audit_verify()
    assert [(p.chain, "gone" in p.reason) for p in problems] == [(chain_name(organisation.pk), True)]
