"""Keyed, per-organisation audit chains; secrets held wrapped under the server key (ADR 0054, 0030).

Data steps, for an installation of the previous version:

1. The single unkeyed SHA-256 chain is first verified the old way, then every entry is re-chained
   into the chain of its organisation (or the platform's), in the original order, with an HMAC
   under the current server key. The result of the old check and the old last hash are recorded
   in a `core.audit_rechained` entry of the platform chain, so a chain that was already broken
   is not silently laundered.
2. The previous version derived its server keys from SECRET_KEY. The receipt pepper and salt
   are kept as they were (wrapped under the new server key), so every receipt code keeps opening
   its report whatever happens to SECRET_KEY later; the keys of the notification addresses and
   of the involvement tags are kept as "legacy-key:" rows until `vangnet rekey` has moved that
   data to the current key. A new installation (no audit entries yet) stores none of this.

The hashing below is a frozen copy of the format of `vangnet.core.audit` at this version.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

GENESIS = "0" * 64


def _json(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _old_hash(entry):
    return hashlib.sha256(_json({
        "created_at": entry.created_at.isoformat(), "actor_id": entry.actor_id,
        "actor_label": entry.actor_label, "organisation_id": entry.organisation_id,
        "action": entry.action, "object_type": entry.object_type, "object_id": entry.object_id,
        "data": entry.data, "previous_hash": entry.previous_hash,
    }).encode()).hexdigest()


def _mac(key, entry):
    payload = _json({
        "v": 2, "chain": entry.chain, "sequence": entry.sequence,
        "created_at": entry.created_at.isoformat(), "actor_id": entry.actor_id,
        "actor_label": entry.actor_label, "organisation_id": entry.organisation_id,
        "action": entry.action, "object_type": entry.object_type, "object_id": entry.object_id,
        "data": entry.data, "previous_hash": entry.previous_hash,
    })
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def _root():
    root = str(getattr(settings, "VANGNET_SERVER_KEY", "") or "")
    if not root:
        raise RuntimeError("Set VANGNET_SERVER_KEY before migrating (docs/operations.md).")
    return root


def _derive(root, purpose):
    return hmac.new(root.encode(), f"vangnet:{purpose}".encode(), hashlib.sha256).digest()


def _key_id(root):
    return hmac.new(root.encode(), b"vangnet:key-id", hashlib.sha256).hexdigest()[:16]


def _chain(organisation_id):
    return "platform" if organisation_id is None else f"organisation:{organisation_id}"


def rechain(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    old_head = AuditChainHead.objects.order_by("pk").first()
    entries = AuditEntry.objects.order_by("id")
    if not entries.exists():
        AuditChainHead.objects.all().delete()
        return
    root = _root()
    key, key_id = _derive(root, "audit"), _key_id(root)
    # 1. The old check, so that the re-chained log says whether it started from an intact chain.
    previous, count, intact = GENESIS, 0, True
    for entry in entries.iterator(chunk_size=2000):
        count += 1
        if entry.previous_hash != previous or _old_hash(entry) != entry.entry_hash:
            intact = False
        previous = entry.entry_hash
    if old_head is None or old_head.count != count or old_head.last_hash != previous:
        intact = False
    old_last = previous
    # 2. Re-chain per organisation, in the original order, under the current key.
    heads = {}
    for entry in entries.iterator(chunk_size=2000):
        chain = _chain(entry.organisation_id)
        head = heads.setdefault(chain, {"organisation_id": entry.organisation_id,
                                        "count": 0, "last_hash": GENESIS})
        entry.chain = chain
        entry.sequence = head["count"] + 1
        entry.key_id = key_id
        entry.previous_hash = head["last_hash"]
        entry.entry_hash = _mac(key, entry)
        entry.save(update_fields=["chain", "sequence", "key_id", "previous_hash", "entry_hash"])
        head["count"], head["last_hash"] = entry.sequence, entry.entry_hash
    platform = heads.setdefault("platform", {"organisation_id": None, "count": 0,
                                             "last_hash": GENESIS})
    summary = AuditEntry(
        created_at=timezone.now(), actor_id=None, actor_label="system", organisation_id=None,
        action="core.audit_rechained", object_type="", object_id="",
        data={"entries": count, "chains": len(heads), "previous_chain_intact": intact,
              "previous_last_hash": old_last,
              "chain_names": sorted(name for name in heads if name != "platform")},
        chain="platform", sequence=platform["count"] + 1, key_id=key_id,
        previous_hash=platform["last_hash"],
    )
    summary.entry_hash = _mac(key, summary)
    summary.save()
    platform["count"], platform["last_hash"] = summary.sequence, summary.entry_hash
    AuditChainHead.objects.all().delete()
    AuditChainHead.objects.bulk_create([
        AuditChainHead(chain=chain, organisation_id=head["organisation_id"], count=head["count"],
                       last_hash=head["last_hash"])
        for chain, head in heads.items()
    ])


def keep_previous_version_keys(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    HeldSecret = apps.get_model("core", "HeldSecret")
    if not AuditEntry.objects.exclude(action="core.audit_rechained").exists():
        return  # a new installation: nothing was ever protected by the old keys
    import nacl.secret
    import nacl.utils

    old_root = str(settings.SECRET_KEY)
    root = _root()
    wrap = nacl.secret.SecretBox(_derive(root, "held-secret"))
    values = {
        # The receipt pepper and salt stay what they were: receipt codes cannot be re-keyed.
        "receipt-pepper": _derive(old_root, "receipt-pepper"),
        "receipt-salt": _derive(old_root, "receipt-salt"),
        # Kept until `vangnet rekey` has re-encrypted and re-hashed their data.
        "legacy-key:notify": _derive(old_root, "notify"),
        "legacy-key:involved": _derive(old_root, "involved"),
    }
    for name, value in values.items():
        HeldSecret.objects.get_or_create(name=name, defaults={
            "key_id": _key_id(root), "ciphertext": bytes(wrap.encrypt(value)),
        })


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_delete_clear_mail_task_results'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditAnchor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('organisation_id', models.BigIntegerField(unique=True)),
                ('email', models.EmailField(max_length=254)),
                ('last_sent_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'audit anchor',
                'verbose_name_plural': 'audit anchors',
            },
        ),
        migrations.CreateModel(
            name='HeldSecret',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True)),
                ('key_id', models.CharField(max_length=16)),
                ('ciphertext', models.BinaryField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='chain',
            field=models.CharField(default='platform', max_length=40, unique=True),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='organisation_id',
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='chain',
            field=models.CharField(default='platform', max_length=40),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='key_id',
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='sequence',
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(rechain, migrations.RunPython.noop),
        migrations.RunPython(keep_previous_version_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='auditentry',
            constraint=models.UniqueConstraint(fields=('chain', 'sequence'), name='auditentry_chain_sequence'),
        ),
    ]
