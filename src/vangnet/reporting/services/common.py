"""What every reporting service shares: the parts of a report, key helpers, content-free notices
and attachment handling (sealed to the report's box key).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from vangnet.core import crypto
from vangnet.core.mail import queue_mail
from vangnet.organisations.public import (
    user_ids_of_active_memberships,
)

from ..attachments import MAX_ATTACHMENTS, CleanFile, clean_attachment
from ..conflicts import excluded_membership_ids
from ..models import (
    Attachment,
    Message,
    Report,
    UserKeyPair,
)
from ..tasks import notify_reporter

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership



# The parts of a reporter's account. Every one is encrypted; grants share a subset.
MAX_PART_LENGTH = 20_000
MAX_MESSAGE_LENGTH = 20_000



def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


# --- Key helpers (private to the app; selectors use them too) -------------------------------


def _seal_for_report(report: Report, data: bytes) -> bytes:
    return crypto.seal(bytes(report.box_public_key), data)


def _public_key_of_membership(membership: Membership) -> bytes | None:
    pair = UserKeyPair.objects.filter(user_id=membership.user_id).only("public_key").first()
    return bytes(pair.public_key) if pair is not None else None


# --- Notifications (never content) ----------------------------------------------------------


def _notify_recipients(report: Report, membership_ids: Iterable[int], template: str) -> None:
    """Queue a content-free notice (reporting/mails.py): only the report id and user ids travel;
    each recipient gets it in their own language."""
    excluded = excluded_membership_ids(report)
    user_ids = user_ids_of_active_memberships(set(membership_ids) - excluded)
    report_id = report.pk
    if user_ids:
        transaction.on_commit(lambda: queue_mail(template, user_ids=user_ids, report_id=report_id))


def _notify_reporter(report: Report) -> None:
    """Queue "there is a new message" for the reporter's address, if they left one. Only the
    report id goes into the queue; the task decrypts the address when it sends (ADR 0030)."""
    if not report.notify_ciphertext:
        return

    report_id = report.pk
    transaction.on_commit(lambda: notify_reporter.enqueue(report_id=report_id))


# --- Attachments (reporter and handlers) ---------------------------------------------------


@dataclass(frozen=True)
class UploadedAttachment:
    name: str
    data: bytes


def _clean_uploads(files: Sequence[UploadedAttachment]) -> list[CleanFile]:
    """Check and clean every file before anything is stored, so that a refused file leaves no
    report, message or stored file behind. Each problem names the file it is about."""
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("You can add at most 5 files.")})
    cleaned, problems = [], []
    for number, upload in enumerate(files, start=1):
        try:
            cleaned.append(clean_attachment(name=upload.name, data=upload.data))
        except ValidationError as error:
            problems += [_("File %(number)d (%(name)s): %(problem)s") % {
                "number": number, "name": upload.name[:80], "problem": message}
                for message in error.messages]
    if problems:
        raise ValidationError({"attachments": problems})
    return cleaned


def _attach(report: Report, message: Message | None, files: Sequence[CleanFile]) -> int:
    for clean in files:
        attachment = Attachment(
            report=report, message=message, size=len(clean.data),
            meta_ciphertext=_seal_for_report(report, _json({
                "name": clean.name, "content_type": clean.content_type,
                "metadata_removed": clean.metadata_removed,
            })),
        )
        # A random file name: the stored name says nothing about the file.
        attachment.file.save(secrets.token_hex(16) + ".bin",
                             ContentFile(_seal_for_report(report, clean.data)), save=False)
        attachment.save()
    return len(files)
