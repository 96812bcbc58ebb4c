"""Shared data: the audit log and the bookkeeping of scheduled jobs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

PLATFORM_CHAIN = "platform"


def chain_name(organisation_id: int | None) -> str:
    """The audit chain an entry belongs to: one per organisation, one for the platform."""
    return PLATFORM_CHAIN if organisation_id is None else f"organisation:{organisation_id}"


class AuditEntry(models.Model):
    """One entry of the append-only, keyed hash-chained audit log (docs/adr/0054).

    Ids are plain integers, not foreign keys: an entry must outlive the objects it speaks of, and
    deleting a user must never rewrite history. Never store content here, only who/what/which.
    `entry_hash` is an HMAC under a key derived from the server key (`key_id` says which), over
    the entry's fields, its place in its chain and the previous entry's hash.
    """

    created_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=64, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    chain = models.CharField(max_length=40, default=PLATFORM_CHAIN)
    sequence = models.BigIntegerField(default=0)
    key_id = models.CharField(max_length=16, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="auditentry_chain_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The head of one chain, locked while appending so concurrent writers cannot fork it.

    One row per organisation and one for the platform: writers of different organisations never
    wait for each other."""

    chain = models.CharField(max_length=40, unique=True, default=PLATFORM_CHAIN)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.chain}: {self.count} entries, last {self.last_hash[:12]}"


class AuditAnchor(models.Model):
    """Where an organisation wants its signed audit checkpoint e-mailed every day (ADR 0054).

    The checkpoint is kept outside Vangnet, so a later rewrite of the database is detectable."""

    organisation_id = models.BigIntegerField(unique=True)
    email = models.EmailField()
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit anchor")
        verbose_name_plural = _("audit anchors")

    def __str__(self) -> str:
        return f"anchor of organisation {self.organisation_id}"


class HeldSecret(models.Model):
    """A secret value the server keeps wrapped under the server key (ADR 0030).

    Used where a value must survive a rotation of the server key because the data it protects
    cannot be re-keyed without something the server never holds (the receipt pepper and salt:
    receipt codes are not stored). Rotation re-wraps the row (`vangnet rekey`); the value stays.
    Names starting with "legacy-key:" hold keys of the previous version (derived from SECRET_KEY),
    kept only until `vangnet rekey` has moved their data to the current key."""

    name = models.CharField(max_length=100, unique=True)
    key_id = models.CharField(max_length=16)
    ciphertext = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} (key {self.key_id})"


class ScheduledRun(models.Model):
    """Marks that a periodic job ran for a period, so that several schedulers never run it twice."""

    job = models.CharField(max_length=100)
    period = models.CharField(max_length=40)
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="scheduledrun_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.job} @ {self.period}"
