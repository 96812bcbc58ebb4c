"""Opening a report: its parts, and the keys that open it (ADR 0030). Read by selectors and
services alike, so it lives outside both (selectors never import services)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from vangnet.core import crypto

from .models import Report, ReportRecipient

# The parts of a reporter's account. Every one is encrypted; grants share a subset.
PARTS = ("narrative", "when", "where", "involved", "witnesses", "impact", "wishes", "identity",
         "contact")


@dataclass(frozen=True)
class ReporterAccess:
    """What a returning reporter holds for one request: the report and its key (never stored)."""

    report: Report
    report_key: bytes


def report_key_for_recipient(*, report: Report, membership_id: int, private_key: bytes) -> bytes:
    recipient = ReportRecipient.objects.filter(
        report=report, membership_id=membership_id, revoked_at__isnull=True,
        sealed_key__isnull=False,
    ).first()
    if recipient is None:
        raise PermissionDenied
    return crypto.unseal(private_key, bytes(recipient.sealed_key or b""))


def box_private_key(*, report: Report, report_key: bytes) -> bytes:
    return crypto.secret_decrypt(report_key, bytes(report.box_private_ciphertext))
