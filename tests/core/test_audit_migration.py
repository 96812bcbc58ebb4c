"""A database of the previous version migrates: its single SHA-256 chain becomes keyed chains per
organisation, and what it protected with SECRET_KEY-derived keys keeps opening (ADR 0054, 0030)."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from vangnet.core import crypto
from vangnet.core.audit import audit_verify
from vangnet.core.models import AuditChainHead, AuditEntry, HeldSecret

BEFORE = [("core", "0001_initial")]
AFTER = [("core", "0003_keyed_audit_chains_and_held_secrets")]


@pytest.fixture(autouse=True)
def _forget_legacy_keys():
    """Legacy keys are read once per process; these tests create and flush them."""
    crypto.forget_cached_keys()
    yield
    crypto.forget_cached_keys()


def _old_hash(fields: dict[str, object]) -> str:
    """The previous version's unkeyed entry hash (core/audit.py before ADR 0054)."""
    return hashlib.sha256(json.dumps(fields, sort_keys=True, separators=(",", ":"),
                                     default=str).encode()).hexdigest()


def _old_derive(root: str, purpose: str) -> bytes:
    return hmac.new(root.encode(), f"vangnet:{purpose}".encode(), hashlib.sha256).digest()


def _write_previous_version_chain(*, tamper: bool) -> list[int | None]:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    entry_model = old_apps.get_model("core", "AuditEntry")
    head_model = old_apps.get_model("core", "AuditChainHead")
    entry_model.objects.all().delete()
    head_model.objects.all().delete()
    organisations: list[int | None] = [None, 11, 12, 11, None, 12, 11]
    previous = "0" * 64
    for number, organisation_id in enumerate(organisations):
        created = timezone.now()
        fields = {"created_at": created.isoformat(), "actor_id": None, "actor_label": "system",
                  "organisation_id": organisation_id, "action": f"old.action{number}",
                  "object_type": "", "object_id": "", "data": {"n": number},
                  "previous_hash": previous}
        entry = entry_model.objects.create(
            created_at=created, actor_id=None, actor_label="system",
            organisation_id=organisation_id, action=f"old.action{number}", object_type="",
            object_id="", data={"n": number}, previous_hash=previous, entry_hash=_old_hash(fields))
        previous = entry.entry_hash
    head_model.objects.create(pk=1, last_hash=previous, count=len(organisations))
    if tamper:
        entry_model.objects.filter(action="old.action3").update(data={"n": "forged"})
    MigrationExecutor(connection).migrate(AFTER)
    crypto.forget_cached_keys()
    return organisations


@pytest.mark.django_db(transaction=True)
def test_previous_version_chain_is_rechained_per_organisation_under_the_server_key(settings):
    organisations = _write_previous_version_chain(tamper=False)
    assert audit_verify() == []
    heads = dict(AuditChainHead.objects.values_list("chain", "count"))
    # Two platform entries plus the record of the re-chaining; three for 11; two for 12.
    assert heads == {"platform": 3, "organisation:11": 3, "organisation:12": 2}
    assert sum(heads.values()) == len(organisations) + 1
    order = list(AuditEntry.objects.filter(chain="organisation:11").order_by("sequence")
                 .values_list("action", flat=True))
    assert order == ["old.action1", "old.action3", "old.action6"]
    summary = AuditEntry.objects.get(action="core.audit_rechained")
    assert summary.data["previous_chain_intact"] is True and summary.data["entries"] == 7
    assert {entry.key_id for entry in AuditEntry.objects.all()} == {crypto.server_key_id()}
    # The re-chained log is checked like any other: a changed entry is found in its own chain.
    AuditEntry.objects.filter(action="old.action3").update(data={"n": 99})
    assert [p.chain for p in audit_verify()] == ["organisation:11"]
    # The record of the re-chaining names every chain: one that disappears entirely is noticed.
    AuditEntry.objects.filter(chain="organisation:12").delete()
    AuditChainHead.objects.filter(chain="organisation:12").delete()
    assert "organisation:12" in {p.chain for p in audit_verify()}


@pytest.mark.django_db(transaction=True)
def test_a_chain_that_was_already_broken_is_not_laundered(settings):
    _write_previous_version_chain(tamper=True)
    summary = AuditEntry.objects.get(action="core.audit_rechained")
    assert summary.data["previous_chain_intact"] is False


@pytest.mark.django_db(transaction=True)
def test_previous_version_receipts_and_tags_keep_working_whatever_happens_to_secret_key(settings):
    from vangnet.reporting.receipts import receipt_derive

    old_root = settings.SECRET_KEY  # the previous version derived its server keys from it
    _write_previous_version_chain(tamper=False)
    code = "1234567812345678"
    # The previous version's receipt derivation, by hand.
    peppered = hmac.new(_old_derive(old_root, "receipt-pepper"), code.encode(),
                        hashlib.sha256).hexdigest()
    old = crypto.derive_key(peppered, _old_derive(old_root, "receipt-salt")[:crypto.SALT_SIZE],
                            size=64)
    assert receipt_derive(code).key == old[:32]
    assert receipt_derive(code).lookup_hash == hashlib.sha256(old[32:]).hexdigest()
    # The notification and involvement keys of the previous version are still tried …
    assert _old_derive(old_root, "notify") in crypto.server_keys("notify")
    assert _old_derive(old_root, "involved") in crypto.server_keys("involved")
    # … also after SECRET_KEY is rotated (they were kept, wrapped under the server key).
    settings.SECRET_KEY = "a-completely-different-secret-key-" + "x" * 40
    crypto.forget_cached_keys()
    assert receipt_derive(code).key == old[:32]
    assert _old_derive(old_root, "notify") in crypto.server_keys("notify")
    # Nothing of it is readable without the server key: only wrapped values are stored.
    stored = b"".join(bytes(row.ciphertext) for row in HeldSecret.objects.all())
    assert _old_derive(old_root, "receipt-pepper") not in stored
    # `rekey` retires the kept keys once nothing depends on them.
    from django.core.management import call_command

    call_command("rekey")
    assert not HeldSecret.objects.filter(name__startswith="legacy-key:").exists()
    assert _old_derive(old_root, "notify") not in crypto.server_keys("notify")
    assert receipt_derive(code).key == old[:32]


@pytest.mark.django_db(transaction=True)
def test_a_new_installation_keeps_no_previous_version_keys(settings):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.project_state(BEFORE).apps.get_model("core", "AuditEntry").objects.all().delete()
    MigrationExecutor(connection).migrate(AFTER)
    assert not HeldSecret.objects.exists()
    assert not AuditEntry.objects.exists()
