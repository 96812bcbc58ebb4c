"""Everything cases needs from reporting, in one place: the only module of cases that imports
`vangnet.reporting.public` (ADR 0060). If reporting's face changes, only this file changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from vangnet.core import crypto
from vangnet.organisations.public import Actor
from vangnet.reporting import public as reporting

# Re-exported for the rest of cases, which takes nothing from reporting but through this module.
from vangnet.reporting.public import CallbackRequested as CallbackRequested
from vangnet.reporting.public import Category as Category
from vangnet.reporting.public import DiscriminationGround as DiscriminationGround
from vangnet.reporting.public import HandlerWrote as HandlerWrote
from vangnet.reporting.public import QuestionAnswered as QuestionAnswered
from vangnet.reporting.public import QuestionRef as QuestionRef
from vangnet.reporting.public import ReportLink as ReportLink
from vangnet.reporting.public import ReportSubmitted as ReportSubmitted
from vangnet.reporting.public import StepKind as StepKind
from vangnet.reporting.public import UploadedAttachment as UploadedAttachment
from vangnet.reporting.public import callbacks_open_count as callbacks_open_count
from vangnet.reporting.public import inbox_reports_for as inbox_reports_for
from vangnet.reporting.public import keypair_of as keypair_of  # the demo's advisor
from vangnet.reporting.public import ordered_categories as ordered_categories
from vangnet.reporting.public import private_key_unlock as private_key_unlock
from vangnet.reporting.public import report_submit as report_submit  # the demo's reports

# The parts of a report, in the order reporters see them (reporting's report_contents_for).
REPORT_PARTS = ("narrative", "when", "where", "involved", "witnesses", "impact", "wishes",
                "identity", "contact")


def active_recipients_q(membership_id: int) -> Q:
    """Cases whose report this membership currently receives or holds an active grant for."""
    return recipient_q(membership_id) | grant_q(membership_id)


def recipient_q(membership_id: int) -> Q:
    """Cases whose report this membership currently receives (an index probe per row)."""
    return reporting.report_recipient_q(membership_id)


def grant_q(membership_id: int) -> Q:
    return reporting.report_grant_q(membership_id)


def recipient_ids(report_id: int) -> frozenset[int]:
    return reporting.report_recipient_ids(report_id)


def grant_holder_ids(report_id: int) -> frozenset[int]:
    return reporting.report_grant_holder_ids(report_id)


def recipients_by_report(report_ids: Iterable[int]) -> dict[int, set[int]]:
    return reporting.report_recipients_by_report(report_ids)


def recipient_user_ids(report_ids: Iterable[int]) -> dict[int, list[int]]:
    """User ids of the current recipients, per report (for content-free reminders)."""
    return reporting.report_recipient_user_ids(report_ids)


def excluded_ids(report: Any) -> frozenset[int]:
    return frozenset(reporting.excluded_membership_ids(report))


def is_involved(report: Any, membership_id: int) -> bool:
    """Cheap check for lists (no query): is this person named as involved in the report?"""
    return reporting.is_tagged(receipt_hash=report.receipt_hash, membership_id=membership_id,
                               tags=report.involved_tags or [])


def report_key(*, report: Any, membership_id: int, private_key: bytes) -> bytes:
    """The report key, opened with a current recipient's private key."""
    try:
        return reporting.report_key_for_recipient(report=report, membership_id=membership_id,
                                                  private_key=private_key)
    except PermissionDenied as error:
        raise crypto.DecryptionError from error


def note_key(report_key_bytes: bytes) -> bytes:
    """A key for handler notes derived from the report key: a separate key per purpose, so a
    note ciphertext can never be mistaken for (or replayed as) a part of the report."""
    return hashlib.blake2b(report_key_bytes, digest_size=32, person=b"vn-case-notes").digest()


def public_key_of_user(user_id: int) -> bytes | None:
    return reporting.public_key_of_user(user_id)


def public_keys_of_memberships(*, organisation_id: int,
                               membership_ids: Iterable[int]) -> dict[int, bytes]:
    return reporting.public_keys_of_memberships(organisation_id=organisation_id,
                                                membership_ids=membership_ids)


def dialogue_ask(*, report: Any, actor: Actor | None, kind: str, body: str,
                 choices: list[list[str]], ref: str, private_key: bytes | None = None) -> Any:
    """A handler (actor) needs their unlocked key that opens the report; the system (None) not."""
    return reporting.dialogue_ask(report=report, actor=actor, kind=kind, body=body,
                                  choices=[(value, label) for value, label in choices], ref=ref,
                                  private_key=private_key)


def message_post(*, report: Any, actor: Actor | None, body: str, kind: str = "text",
                 payload: dict[str, Any] | None = None, private_key: bytes | None = None,
                 attachments: Iterable[UploadedAttachment] = ()) -> Any:
    """Write to the reporter; files go through reporting's checks and encryption (ADR 0034)."""
    return reporting.message_post(report=report, actor=actor, body=body, kind=kind,
                                  payload=payload, private_key=private_key,
                                  attachments=list(attachments))


def key_required_error() -> type[Exception]:
    """Raised when a handler writes to a reporter without an unlocked key that opens the report."""
    return reporting.KeyRequired


def key_missing_error() -> type[Exception]:
    """Raised by grant_access when the person has no key pair yet (a manager, ADR 0075)."""
    return reporting.KeyMissing


def key_invite(*, actor: Actor, report: Any, membership: Any) -> Any:
    """Ask someone without a key to set one up so that a consented share can be made."""
    return reporting.report_key_invite(actor=actor, report=report, membership=membership)


def key_invited_ids(membership_ids: Iterable[int]) -> frozenset[int]:
    return reporting.key_invited_membership_ids(membership_ids)


def grant_access(*, actor: Actor, report: Any, membership: Any, parts: list[str],
                 private_key: bytes, reason: str) -> Any:
    return reporting.report_grant_access(actor=actor, report=report, membership=membership,
                                         parts=parts, private_key=private_key, reason=reason)


def revoke_access(*, grant_id: int, actor: Actor | None = None, question: Any = None) -> None:
    """End a grant's future access: by an advisor (`actor`, a withdrawal told in person), or by
    the reporter, whose answer to the withdraw question (`question`) is the proof reporting asks
    for. Reporting audits either way; a grant already ended is left alone."""
    if actor is None and question is None:
        raise PermissionDenied  # nobody asked: never revoke on no one's word
    grant = reporting.active_grant_get(grant_id)
    if grant is None:
        return
    if actor is not None:
        reporting.report_revoke_access(actor=actor, grant=grant)
    else:
        reporting.report_revoke_access_for_reporter(grant=grant, question=question)


def report_contents(*, actor: Actor, report: Any, private_key: bytes) -> dict[str, str]:
    return reporting.report_contents_for(actor=actor, report=report, private_key=private_key)


def dialogue_for(*, actor: Actor, report: Any, private_key: bytes) -> list[Any]:
    """The dialogue with the reporter, decrypted, for a current recipient (the case page shows
    it beside the timeline, so there is one page to answer from)."""
    return reporting.report_messages_for(actor=actor, report=report, private_key=private_key)


def private_key_for_request(request: Any) -> bytes | None:
    return reporting.private_key_for_request(request)


def unlock_url(org_slug: str, next_url: str) -> str:
    """Where to send a handler whose key is still locked."""
    for name in ("reporting:unlock", "reporting:key_unlock"):
        try:
            return reverse(name, args=[org_slug]) + "?next=" + next_url
        except NoReverseMatch:
            continue
    return next_url


def register_report_link(provider: Any) -> None:
    """Let the report page link to its case (called once, from CasesConfig.ready)."""
    reporting.register_report_link(provider)


def destroy_report(*, report_id: int) -> bool:
    """Destroy a report for good at the end of its retention (reporting's own service: files,
    keys, messages, grants). True when there was one to destroy."""
    return reporting.report_destroy(report_id=report_id)


def reports_for_org(organisation_id: int) -> QuerySet[Any]:
    return reporting.reports_of_organisation(organisation_id)
