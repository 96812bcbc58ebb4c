"""Everything cases needs from reporting, in one place (reporting's public face is its services,
selectors, hooks and conflicts modules). If reporting's contract changes, only this file changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from vangnet.core import crypto
from vangnet.organisations.public import Actor

# The parts of a report, in the order reporters see them (reporting.selectors.report_contents_for).
REPORT_PARTS = ("narrative", "when", "where", "involved", "witnesses", "impact", "wishes",
                "identity", "contact")


def report_model() -> Any:
    from vangnet.reporting.models import Report

    return Report


def active_recipients_q(membership_id: int) -> Q:
    """Cases whose report this membership currently receives or holds an active grant for."""
    return recipient_q(membership_id) | grant_q(membership_id)


def recipient_q(membership_id: int) -> Q:
    """Cases whose report this membership currently receives. On its own (not OR-ed), PostgreSQL
    probes reporting's unique (report, membership) index per row instead of hashing every report
    the person ever received: the first page stays as cheap at 100,000 cases as at 1,000."""
    from vangnet.reporting.models import ReportRecipient

    return Q(Exists(ReportRecipient.objects.filter(
        report_id=OuterRef("report_id"), membership_id=membership_id, revoked_at__isnull=True)))


def grant_q(membership_id: int) -> Q:
    from vangnet.reporting.models import ReportGrant

    return Q(Exists(ReportGrant.objects.filter(
        report_id=OuterRef("report_id"), membership_id=membership_id, revoked_at__isnull=True)))


def recipient_ids(report_id: int) -> frozenset[int]:
    from vangnet.reporting.models import ReportRecipient

    return frozenset(ReportRecipient.objects.filter(
        report_id=report_id, revoked_at__isnull=True).values_list("membership_id", flat=True))


def grant_holder_ids(report_id: int) -> frozenset[int]:
    from vangnet.reporting.models import ReportGrant

    return frozenset(ReportGrant.objects.filter(
        report_id=report_id, revoked_at__isnull=True).values_list("membership_id", flat=True))


def recipients_by_report(report_ids: Iterable[int]) -> dict[int, set[int]]:
    from vangnet.reporting.models import ReportRecipient

    result: dict[int, set[int]] = {}
    rows = ReportRecipient.objects.filter(report_id__in=list(report_ids), revoked_at__isnull=True)
    for report_id, membership_id in rows.values_list("report_id", "membership_id"):
        result.setdefault(report_id, set()).add(membership_id)
    return result


def recipient_user_ids(report_ids: Iterable[int]) -> dict[int, list[int]]:
    """User ids of the current recipients, per report (for content-free reminders, which the
    worker addresses by user id: ADR 0051)."""
    from vangnet.reporting.models import ReportRecipient

    result: dict[int, list[int]] = {}
    rows = ReportRecipient.objects.filter(
        report_id__in=list(report_ids), revoked_at__isnull=True, membership__is_active=True
    ).values_list("report_id", "membership__user_id")
    for report_id, user_id in rows:
        result.setdefault(report_id, []).append(user_id)
    return result


def excluded_ids(report: Any) -> frozenset[int]:
    from vangnet.reporting.public import excluded_membership_ids

    return frozenset(excluded_membership_ids(report))


def is_involved(report: Any, membership_id: int) -> bool:
    """Cheap check for lists (no query): is this person named as involved in the report?"""
    from vangnet.reporting.public import is_tagged

    return is_tagged(receipt_hash=report.receipt_hash, membership_id=membership_id,
                     tags=report.involved_tags or [])


def report_key(*, report: Any, membership_id: int, private_key: bytes) -> bytes:
    """The report key, opened with a current recipient's private key."""
    from django.core.exceptions import PermissionDenied

    from vangnet.reporting.public import report_key_for_recipient

    try:
        return report_key_for_recipient(report=report, membership_id=membership_id,
                                        private_key=private_key)
    except PermissionDenied as error:
        raise crypto.DecryptionError from error


def note_key(report_key_bytes: bytes) -> bytes:
    """A key for handler notes derived from the report key: a separate key per purpose, so a
    note ciphertext can never be mistaken for (or replayed as) a part of the report."""
    return hashlib.blake2b(report_key_bytes, digest_size=32, person=b"vn-case-notes").digest()


def public_key_of_user(user_id: int) -> bytes | None:
    from vangnet.reporting.models import UserKeyPair

    pair = UserKeyPair.objects.filter(user_id=user_id).only("public_key").first()
    return bytes(pair.public_key) if pair is not None else None


def public_keys_of_memberships(membership_ids: Iterable[int]) -> dict[int, bytes]:
    from vangnet.organisations.models import Membership
    from vangnet.reporting.models import UserKeyPair

    users = dict(Membership.objects.filter(pk__in=list(membership_ids)).values_list("user_id", "pk"))
    return {users[user_id]: bytes(key) for user_id, key in UserKeyPair.objects.filter(
        user_id__in=list(users)).values_list("user_id", "public_key")}


def dialogue_ask(*, report: Any, actor: Actor | None, kind: str, body: str,
                 choices: list[list[str]], ref: str, private_key: bytes | None = None) -> Any:
    """A handler (actor) needs their unlocked key that opens the report; the system (None) not."""
    from vangnet.reporting import services

    return services.dialogue_ask(report=report, actor=actor, kind=kind, body=body,
                                 choices=[(value, label) for value, label in choices], ref=ref,
                                 private_key=private_key)


def message_post(*, report: Any, actor: Actor | None, body: str, kind: str = "text",
                 payload: dict[str, Any] | None = None, private_key: bytes | None = None) -> Any:
    from vangnet.reporting import services

    return services.message_post(report=report, actor=actor, body=body, kind=kind,
                                 payload=payload, private_key=private_key)


def key_required_error() -> type[Exception]:
    """Raised when a handler writes to a reporter without an unlocked key that opens the report."""
    from vangnet.reporting.public import KeyRequired

    return KeyRequired


def grant_access(*, actor: Actor, report: Any, membership: Any, parts: list[str],
                 private_key: bytes, reason: str) -> Any:
    from vangnet.reporting import services

    return services.report_grant_access(actor=actor, report=report, membership=membership,
                                        parts=parts, private_key=private_key, reason=reason)


def revoke_access(*, grant_id: int, actor: Actor | None = None, question: Any = None) -> None:
    """End a grant's future access: by an advisor (`actor`, a withdrawal told in person), or by
    the reporter, whose answer to the withdraw question (`question`) is the proof reporting asks
    for. Reporting audits either way; a grant already ended is left alone."""
    from django.core.exceptions import PermissionDenied

    from vangnet.reporting import services
    from vangnet.reporting.models import ReportGrant

    if actor is None and question is None:
        raise PermissionDenied  # nobody asked: never revoke on no one's word
    grant = ReportGrant.objects.select_related("report").filter(
        pk=grant_id, revoked_at__isnull=True).first()
    if grant is None:
        return
    if actor is not None:
        services.report_revoke_access(actor=actor, grant=grant)
    else:
        services.report_revoke_access_for_reporter(grant=grant, question=question)


def report_contents(*, actor: Actor, report: Any, private_key: bytes) -> dict[str, str]:
    from vangnet.reporting import selectors

    return selectors.report_contents_for(actor=actor, report=report, private_key=private_key)


def private_key_for_request(request: Any) -> bytes | None:
    from vangnet.reporting.public import private_key_for_request as _private_key

    return _private_key(request)


def unlock_url(org_slug: str, next_url: str) -> str:
    """Where to send a handler whose key is still locked."""
    from django.urls import NoReverseMatch, reverse

    for name in ("reporting:unlock", "reporting:key_unlock"):
        try:
            return reverse(name, args=[org_slug]) + "?next=" + next_url
        except NoReverseMatch:
            continue
    return next_url


def destroy_report(*, report: Any) -> None:
    """Destroy a report's contents at the end of its retention (reporting's service when it
    offers one; otherwise the report row goes, which cascades its messages and grants)."""
    from vangnet.reporting import services

    destroy = getattr(services, "report_destroy", None) or getattr(
        services, "report_destroy_contents", None)
    if destroy is not None:
        destroy(report=report)
        return
    for attachment in report.attachments.all():
        attachment.file.delete(save=False)
    report.delete()


def reports_for_org(organisation_id: int) -> QuerySet[Any]:
    return report_model().objects.filter(organisation_id=organisation_id)
