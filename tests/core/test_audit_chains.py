"""Per-organisation chain locks, daily anchoring, and audit entries across a server key rotation."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction

from vangnet.core import crypto
from vangnet.core.anchoring import anchor_set, send_audit_checkpoints
from vangnet.core.audit import HANDOVER_ACTION, audit_record, audit_verify, checkpoint_problems
from vangnet.core.models import AuditAnchor, AuditChainHead, AuditEntry, chain_name
from vangnet.core.scheduling import registered_jobs

NEW_KEY = "new-server-key-for-tests-9876543210-ZYXWVUTSRQPONMLKJIHGFEDCBA"


@pytest.mark.django_db(transaction=True)
def test_writers_of_two_organisations_do_not_share_a_lock(organisation, other_organisation):
    """One connection holds organisation A's chain head locked (as a long transaction would);
    an audited write for organisation B still completes, one for A has to wait."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) need PostgreSQL; SQLite has one writer")
    audit_record(action="test.a", organisation_id=organisation.pk)
    audit_record(action="test.b", organisation_id=other_organisation.pk)
    locked, release, failures = threading.Event(), threading.Event(), []

    def hold_lock_of_a() -> None:
        from django.db import connection as own

        try:
            with transaction.atomic():
                AuditChainHead.objects.select_for_update().get(chain=chain_name(organisation.pk))
                locked.set()
                release.wait(30)
        except Exception as error:  # reported to the main thread
            failures.append(error)
            locked.set()
        finally:
            own.close()

    holder = threading.Thread(target=hold_lock_of_a)
    holder.start()
    try:
        assert locked.wait(30) and not failures
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '5s'")
            written = audit_record(action="test.b", organisation_id=other_organisation.pk)
        assert written.chain == chain_name(other_organisation.pk)
        # The control: organisation A's own chain is really locked (the test can fail).
        with pytest.raises(OperationalError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            audit_record(action="test.a", organisation_id=organisation.pk)
    finally:
        release.set()
        holder.join(30)
    assert audit_verify() == []


@pytest.mark.django_db
def test_anchor_address_gets_a_valid_signed_checkpoint_daily(organisation, mailoutbox):
    assert any(job.name == "core.audit_checkpoints" and job.every == timedelta(days=1)
               for job in registered_jobs())
    audit_record(action="test.a", organisation_id=organisation.pk)
    anchor_set(organisation_id=organisation.pk, email="archief@example.org")
    entry = AuditEntry.objects.filter(action="core.audit_anchor_set").get()
    assert entry.organisation_id == organisation.pk and "archief" not in json.dumps(entry.data)
    assert send_audit_checkpoints.call() == 1
    (message,) = mailoutbox
    assert message.to == ["archief@example.org"]
    assert "auditlog" in message.subject.lower() or "audit" in message.subject.lower()
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".json") and mimetype == "application/json"
    checkpoint = json.loads(content)
    assert checkpoint["chain"] == chain_name(organisation.pk)
    assert checkpoint["count"] == AuditChainHead.objects.get(chain=checkpoint["chain"]).count
    assert checkpoint_problems(checkpoint) == []
    assert AuditAnchor.objects.get().last_sent_at is not None


@pytest.mark.django_db
def test_audit_anchor_command_refuses_a_bad_address(organisation):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Not an e-mail address"):
        call_command("audit_anchor", "--organisation", organisation.slug, "--email", "geen-adres")
    with pytest.raises(CommandError, match="No organisation"):
        call_command("audit_anchor", "--organisation", "bestaat-niet", "--email", "a@example.org")
    assert not AuditAnchor.objects.exists()


@pytest.mark.django_db
def test_old_entries_stay_verifiable_through_a_rotation_and_after_the_old_key_is_dropped(
    settings, organisation
):
    old_key = settings.VANGNET_SERVER_KEY  # what wrote the fixtures' entries too
    old = [audit_record(action=f"test.old{i}", organisation_id=organisation.pk) for i in range(3)]
    assert {entry.key_id for entry in old} == {crypto.key_id_of(old_key)}
    # Rotate: the old key stays listed as previous; new entries are written under the new key.
    settings.VANGNET_SERVER_KEY, settings.VANGNET_SERVER_KEYS_PREVIOUS = NEW_KEY, [old_key]
    new = audit_record(action="test.new", organisation_id=organisation.pk)
    assert new.key_id == crypto.key_id_of(NEW_KEY)
    assert audit_verify() == []
    # Without the previous key the old entries cannot be verified (and say so) …
    settings.VANGNET_SERVER_KEYS_PREVIOUS = []
    assert {p.entry_id for p in audit_verify()} >= {entry.pk for entry in old}
    # … so `rekey` writes a handover under the new key that vouches for everything before it.
    settings.VANGNET_SERVER_KEYS_PREVIOUS = [old_key]
    call_command("rekey")
    handover = AuditEntry.objects.get(action=HANDOVER_ACTION, organisation_id=organisation.pk)
    settings.VANGNET_SERVER_KEYS_PREVIOUS = []
    assert audit_verify() == []
    # The handover pins the content: changing an old entry is still detected without its key.
    AuditEntry.objects.filter(pk=old[1].pk).update(data={"n": "forged"})
    problems = audit_verify()
    assert {p.entry_id for p in problems} >= {old[0].pk, old[1].pk, old[2].pk}
    assert handover.data["until"] == handover.sequence - 1


@pytest.mark.django_db
def test_a_checkpoint_from_before_a_rotation_verifies_with_the_kept_verify_key(
    settings, organisation, tmp_path, capsys
):
    from django.core.management.base import CommandError

    audit_record(action="test.a", organisation_id=organisation.pk)
    old_key = settings.VANGNET_SERVER_KEY
    saved = tmp_path / "before.json"
    with saved.open("w") as out:
        call_command("audit_checkpoint", "--organisation", organisation.slug, stdout=out)
    call_command("audit_checkpoint", "--verify-key")
    old_verify_key = capsys.readouterr().out.split()[0]
    settings.VANGNET_SERVER_KEY, settings.VANGNET_SERVER_KEYS_PREVIOUS = NEW_KEY, [old_key]
    call_command("rekey")
    settings.VANGNET_SERVER_KEYS_PREVIOUS = []
    with pytest.raises(CommandError):
        call_command("audit_verify", "--checkpoint", str(saved))
    call_command("audit_verify", "--checkpoint", str(saved), "--verify-key", old_verify_key)
    # A key the operator did not keep proves nothing.
    import nacl.signing

    stranger = nacl.signing.SigningKey.generate().verify_key.encode().hex()
    with pytest.raises(CommandError):
        call_command("audit_verify", "--checkpoint", str(saved), "--verify-key", stranger)
