from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vangnet.core.audit import audit_record, audit_verify
from vangnet.core.models import AuditEntry


@pytest.fixture
def chain(db):
    return [audit_record(action=f"test.action{i}", data={"n": i}) for i in range(5)]


def test_intact_chain_verifies(chain):
    assert audit_verify() == []
    call_command("audit_verify")


def test_changed_entry_is_detected(chain):
    AuditEntry.objects.filter(pk=chain[2].pk).update(action="test.forged")
    problems = audit_verify()
    assert [p.entry_id for p in problems] == [chain[2].pk]
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_changed_entry_with_recomputed_hash_breaks_the_next_link(chain):
    from vangnet.core.audit import compute_hash

    forged = AuditEntry.objects.get(pk=chain[1].pk)
    forged.data = {"n": 99}
    forged.entry_hash = compute_hash(forged)
    forged.save()
    problems = audit_verify()
    assert any(p.entry_id == chain[2].pk and "link" in p.reason for p in problems)


def test_removed_entry_in_the_middle_is_detected(chain):
    AuditEntry.objects.filter(pk=chain[2].pk).delete()
    assert any(p.entry_id == chain[3].pk for p in audit_verify())


def test_removed_last_entry_is_detected(chain):
    AuditEntry.objects.filter(pk=chain[-1].pk).delete()
    assert any("expected 5 entries" in p.reason for p in audit_verify())


def test_audit_refuses_content_keys(db):
    with pytest.raises(ValueError):
        audit_record(action="report.create", data={"narrative": "secret"})
