"""Every write in reporting. Keyword-only, typed, atomic, permission-checked, audited.

Audit entries carry ids and metadata only, never content. See docs/adr/0030 for the key model:

    report key K (random)          → content_ciphertext = SecretBox(K, parts as JSON)
    box key pair (per report)      → messages/attachments sealed to the box public key;
                                     box private key under K
    K sealed for every recipient   → ReportRecipient.sealed_key (X25519 sealed box)
    K sealed for the organisation  → Report.recovery_sealed_key (continuity, ADR 0031)
    K under the receipt-derived key→ Report.reporter_sealed_key (ADR 0032)
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from vangnet.core import crypto
from vangnet.core.audit import audit_record
from vangnet.core.events import publish
from vangnet.core.mail import queue_mail
from vangnet.organisations.public import (
    CASE_READING_ROLES,
    Actor,
    MembershipChanged,
    Role,
    active_memberships_in,
    membership_for_actor,
    membership_get_with_roles,
    user_ids_of_active_memberships,
)

from .attachments import MAX_ATTACHMENTS, CleanFile, clean_attachment
from .categories import Category, DiscriminationGround
from .conflicts import excluded_for_involved, excluded_membership_ids, involvement_tags
from .events import QuestionAnswered, ReportSubmitted
from .holdings import recipient_rows
from .keys import has_keypair
from .mails import RECOVERY_EVENTS, RECOVERY_NOTICE_MAIL
from .models import (
    AdvisorProfile,
    Attachment,
    DialogueQuestion,
    Message,
    OrganisationRecoveryKey,
    RecipientUnavailability,
    RecoveryRequest,
    Report,
    ReportGrant,
    ReportingRoute,
    ReportRecipient,
    RouteContact,
    RouteStep,
    StepKind,
    UserKeyPair,
)
from .permissions import (
    can_approve_recovery,
    can_be_successor,
    can_carry_out_recovery,
    can_configure_route,
    can_declare_unavailable,
    can_edit_own_profile,
    can_end_unavailability,
    can_manage_recovery_key,
    can_receive_reports,
    can_register_oral_report,
    can_remove_recipient,
    can_request_recovery,
    has_left_recipients,
    holder_is_gone,
    removal_keeps_report_openable,
    successor_role_for,
)
from .receipts import receipt_derive, receipt_new
from .route import EXTERNAL_BODIES, default_step_text, step_label
from .route import default_recipient as route_default_recipient
from .tasks import notify_reporter

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Organisation, Unit

# The parts of a reporter's account. Every one is encrypted; grants share a subset.
PARTS = ("narrative", "when", "where", "involved", "witnesses", "impact", "wishes", "identity",
         "contact")
MAX_PART_LENGTH = 20_000
MAX_MESSAGE_LENGTH = 20_000


def _user(actor: Actor | None) -> Any:
    return get_user_model()(pk=actor.user_id) if actor is not None else None


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


# --- Key helpers (private to the app; selectors use them too) -------------------------------


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


# --- Submitting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedAttachment:
    name: str
    data: bytes


def _clean_parts(parts: dict[str, str], mode: str) -> dict[str, str]:
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValidationError(_("Unknown parts: %(parts)s") % {"parts": ", ".join(sorted(unknown))})
    cleaned = {key: (parts.get(key) or "").strip() for key in PARTS}
    for key, value in cleaned.items():
        if len(value) > MAX_PART_LENGTH:
            raise ValidationError({key: _("This text is too long (at most 20,000 characters).")})
    if not cleaned["narrative"]:
        raise ValidationError({"narrative": _("Tell in a few words what happened.")})
    if mode == Report.Mode.ANONYMOUS:
        # Nothing that identifies the reporter is kept for an anonymous report.
        cleaned["identity"] = ""
        cleaned["contact"] = ""
    elif not cleaned["identity"]:
        raise ValidationError({"identity": _("Fill in your name, so the recipient knows who you are.")})
    return cleaned


def _check_recipient(
    *, organisation: Organisation, membership: Membership, excluded: set[int]
) -> None:
    if membership.organisation_id != organisation.pk or not membership.is_active:
        raise ValidationError({"recipient": _("Choose one of the people shown.")})
    if membership.pk in excluded:
        raise ValidationError({"recipient": _(
            "This person is involved in what you describe, so they cannot receive your report. "
            "Choose someone else."
        )})
    if not can_receive_reports(membership.role_set):
        raise ValidationError({"recipient": _("Choose one of the people shown.")})
    if not has_keypair(membership.user_id):
        raise ValidationError(
            {"recipient": _("This person cannot receive reports yet. Choose someone else.")}
        )


def _new_receipt() -> tuple[str, Any]:
    while True:
        code = receipt_new()
        secret = receipt_derive(code)
        if not Report.objects.filter(receipt_hash=secret.lookup_hash).exists():
            return code, secret


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


def report_submit(
    *,
    organisation: Organisation,
    category: str,
    mode: str,
    parts: dict[str, str],
    recipient: Membership | None = None,
    involved: Iterable[Membership] = (),
    unit: Unit | None = None,
    discrimination_ground: str = "",
    route_step: str | None = None,
    is_whistleblowing: bool = False,
    channel: str = Report.Channel.WEB,
    notify_email: str = "",
    attachments: Sequence[UploadedAttachment] = (),
    extra_recipients: Iterable[Membership] = (),
) -> tuple[Report, str]:
    """Store an encrypted report for its recipient(s); return it and the receipt code (show once).

    Raises ValidationError with field keys for anything the reporter can fix.
    """
    if category not in Category.values:
        raise ValidationError({"category": _("Choose what it is about.")})
    if discrimination_ground and discrimination_ground not in DiscriminationGround.values:
        raise ValidationError({"discrimination_ground": _("Choose one of the grounds shown.")})
    if mode not in Report.Mode.values:
        raise ValidationError({"mode": _("Choose how you want to be known.")})
    if route_step is not None and route_step not in StepKind.values:
        raise ValidationError({"route_step": _("Choose a step of the route.")})
    if unit is not None and unit.organisation_id != organisation.pk:
        raise ValidationError({"unit": _("Choose one of the units shown.")})
    involved = [m for m in involved if m.organisation_id == organisation.pk]
    cleaned = _clean_parts(parts, mode)
    excluded = excluded_for_involved(
        organisation_id=organisation.pk, involved_ids={m.pk for m in involved}
    )
    if recipient is None:
        recipient = route_default_recipient(organisation=organisation, unit=unit, excluded=excluded)
        if recipient is None:
            raise ValidationError({"recipient": _(
                "There is nobody available to receive reports right now. "
                "Use one of the other ways on the route page."
            )})
    recipients = [recipient, *[m for m in extra_recipients if m.pk != recipient.pk]]
    for member in recipients:
        _check_recipient(organisation=organisation, membership=member, excluded=excluded)
    clean_files = _clean_uploads(attachments)
    if route_step is None:
        # The step follows from whom the reporter chose (an advisor, HR, the committee).
        route_step = STEP_OF_ROLE.get(_main_role(recipient), StepKind.ADVISOR)

    code, secret = _new_receipt()
    report_key = crypto.new_key()
    box_public, box_private = crypto.keypair_generate()
    recovery = OrganisationRecoveryKey.objects.filter(
        organisation=organisation, retired_at__isnull=True
    ).first()
    email = (notify_email or "").strip()
    with transaction.atomic():
        try:
            report = Report.objects.create(
                organisation=organisation, unit=unit, category=category,
                discrimination_ground=discrimination_ground if category == Category.DISCRIMINATIE else "",
                mode=mode, channel=channel, route_step=route_step,
                is_whistleblowing=is_whistleblowing,
                receipt_hash=secret.lookup_hash,
                reporter_sealed_key=crypto.secret_encrypt(secret.key, report_key),
                recovery_key=recovery,
                recovery_sealed_key=(
                    crypto.seal(bytes(recovery.public_key), report_key) if recovery else None
                ),
                box_public_key=box_public,
                box_private_ciphertext=crypto.secret_encrypt(report_key, box_private),
                content_ciphertext=crypto.secret_encrypt(report_key, _json(cleaned)),
                notify_ciphertext=(
                    crypto.server_encrypt("notify", email.encode())
                    if email else None
                ),
                involved_tags=involvement_tags(receipt_hash=secret.lookup_hash, memberships=involved),
            )
        except IntegrityError as error:  # a receipt collision between check and insert
            raise ValidationError(_("Something went wrong; please send your report again.")) from error
        for member in recipients:
            public = _public_key_of_membership(member)
            ReportRecipient.objects.create(
                report=report, membership=member, sealed_key=crypto.seal(public, report_key)
                if public else None, role_at_time=_main_role(member),
            )
        files = _attach(report, None, clean_files)
        # The subscribers (case creation, pattern counts) run before the audit entry: appending
        # locks the organisation's audit chain until commit, and nothing slow may run under it.
        publish(ReportSubmitted(report=report))
        audit_record(action="reporting.report_submit", target=report, data={
            "mode": mode, "channel": channel, "recipients": [m.pk for m in recipients],
            "attachments": files, "involved_count": len(involved),
        }, actor_label="reporter")
        _notify_recipients(report, [m.pk for m in recipients], "reporting/email/new_report")
    return report, code


STEP_OF_ROLE: dict[str, str] = {
    Role.ADVISOR: StepKind.ADVISOR,
    Role.HR: StepKind.HR,
    Role.COMPLAINTS_COMMITTEE: StepKind.COMPLAINTS_COMMITTEE,
}
# When someone holds several recipient roles, the most confidential one describes the step.
ROLE_PREFERENCE = (Role.ADVISOR, Role.COMPLAINTS_COMMITTEE, Role.HR, Role.COORDINATOR)


def _main_role(member: Membership) -> str:
    roles = set(member.role_set)
    return next((str(role) for role in ROLE_PREFERENCE if role in roles), "")


def report_register_oral(
    *, actor: Actor, private_key: bytes, category: str, mode: str, parts: dict[str, str],
    involved: Iterable[Membership] = (), unit: Unit | None = None, is_whistleblowing: bool = False,
    discrimination_ground: str = "",
) -> tuple[Report, str]:
    """A recipient writes down an oral report as minutes; the reporter approves them through the
    dialogue (Wet bescherming klokkenluiders). Returns the report and the receipt code to hand over."""
    if not can_register_oral_report(actor):
        raise PermissionDenied
    me = membership_for_actor(actor=actor)
    if crypto.public_key_of(private_key) != _public_key_of_membership(me):
        raise PermissionDenied
    with transaction.atomic():
        report, code = report_submit(
            organisation=me.organisation, category=category, mode=mode, parts=parts, recipient=me,
            involved=involved, unit=unit, is_whistleblowing=is_whistleblowing,
            channel=Report.Channel.ORAL, discrimination_ground=discrimination_ground,
        )
        dialogue_ask(
            report=report, actor=actor, kind="minutes_approval", private_key=private_key,
            body=_("These are the minutes of your conversation with me. Please read them under "
                   "'Your report'. Are they correct? If not, reply with what should change."),
            choices=[("approve", gettext_noop("I approve the minutes")),
                     ("correct", gettext_noop("Something must change"))],
            ref=f"minutes:{report.pk}",
        )
    return report, code


# --- Reporter side --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReporterAccess:
    """What a returning reporter holds for one request: the report and its key (never stored)."""

    report: Report
    report_key: bytes


def reporter_open(*, code: str) -> ReporterAccess | None:
    """Open a report with a (normalised) receipt code; None when it matches nothing.

    Throttling is the caller's job (receipts.receipt_attempt_allowed) because it needs the
    transient source address.
    """
    secret = receipt_derive(code)
    report = Report.objects.select_related("organisation").filter(
        receipt_hash=secret.lookup_hash
    ).first()
    if report is None:
        return None
    try:
        key = crypto.secret_decrypt(secret.key, bytes(report.reporter_sealed_key))
    except crypto.DecryptionError:
        return None
    return ReporterAccess(report=report, report_key=key)


def reporter_reply(
    *, access: ReporterAccess, body: str, attachments: Sequence[UploadedAttachment] = (),
    kind: str = "text",
) -> Message:
    body = (body or "").strip()
    if not body and not attachments:
        raise ValidationError({"body": _("Write a message or add a file.")})
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError({"body": _("This text is too long (at most 20,000 characters).")})
    report = access.report
    clean_files = _clean_uploads(attachments)
    with transaction.atomic():
        message = Message.objects.create(
            report=report, author_kind=Message.AuthorKind.REPORTER, kind=kind,
            ciphertext=_seal_for_report(report, body.encode()),
        )
        files = _attach(report, message, clean_files)
        audit_record(action="reporting.reporter_reply", target=report, actor_label="reporter",
                     data={"message_id": message.pk, "attachments": files})
        recipient_ids = ReportRecipient.objects.filter(
            report=report, revoked_at__isnull=True
        ).values_list("membership_id", flat=True)
        _notify_recipients(report, list(recipient_ids), "reporting/email/reporter_replied")
    return message


def reporter_mark_read(*, access: ReporterAccess) -> None:
    now = timezone.now()
    Message.objects.filter(report=access.report, read_by_reporter_at__isnull=True).exclude(
        author_kind=Message.AuthorKind.REPORTER
    ).update(read_by_reporter_at=now)
    Report.objects.filter(pk=access.report.pk).update(reporter_last_seen_at=now)


# --- Handler side ---------------------------------------------------------------------------


def _is_current_recipient(actor: Actor, report: Report) -> bool:
    return ReportRecipient.objects.filter(
        report=report, membership_id=actor.membership_id, revoked_at__isnull=True
    ).exists()


class KeyRequired(PermissionDenied):
    """A handler tried to write to a reporter without an unlocked key that opens the report."""


def key_required_message() -> str:
    return _(
        "To write to the reporter, first unlock your reports with your password. Only someone "
        "who can open this report may write to its reporter."
    )


def _check_writer_key(*, actor: Actor, report: Report, private_key: bytes | None) -> None:
    """Someone who writes to a reporter proves, with their unlocked private key, that they hold
    this report's key: a current recipient whose sealed copy opens. An account that was taken
    over (a reset password, an impersonated session) has no unlocked key, and so cannot ask an
    anonymous reporter for their name (issue #10). Grant holders never write to the reporter."""
    if private_key is None:
        raise KeyRequired(key_required_message())
    try:
        report_key_for_recipient(report=report, membership_id=actor.membership_id,
                                 private_key=private_key)
    except (PermissionDenied, crypto.DecryptionError) as error:
        raise KeyRequired(key_required_message()) from error


def message_post(
    *, report: Report, actor: Actor | None, body: str, kind: str = "text",
    payload: dict[str, Any] | None = None, private_key: bytes | None = None,
) -> Message:
    """A message from a handler (actor, with their unlocked `private_key`) or the system (None)
    to the reporter. Raises KeyRequired (a PermissionDenied) when the handler's key is missing
    or does not open this report."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError({"body": _("This text is too long (at most 20,000 characters).")})
    if actor is not None:
        if actor.organisation_id != report.organisation_id:
            raise PermissionDenied
        if not _is_current_recipient(actor, report):
            raise PermissionDenied
        if actor.membership_id in excluded_membership_ids(report):
            raise PermissionDenied
        _check_writer_key(actor=actor, report=report, private_key=private_key)
    with transaction.atomic():
        message = Message.objects.create(
            report=report,
            author_kind=Message.AuthorKind.SYSTEM if actor is None else Message.AuthorKind.HANDLER,
            author_id=actor.membership_id if actor is not None else None,
            ciphertext=_seal_for_report(report, body.encode()), kind=kind, payload=payload or {},
        )
        audit_record(action="reporting.message_post", actor=_user(actor), target=report,
                     data={"message_id": message.pk, "kind": kind})
        _notify_reporter(report)
    return message


def dialogue_ask(
    *, report: Report, actor: Actor | None, kind: str, body: str,
    choices: list[tuple[str, str]], ref: str = "", private_key: bytes | None = None,
) -> DialogueQuestion:
    """Ask the reporter a question with fixed answers (consent, check-in, approval, ...). A
    handler needs their unlocked key, as for `message_post`; the system (None) does not."""
    choices = [(str(value), str(label)) for value, label in choices]
    if not choices or len({value for value, _label in choices}) != len(choices):
        raise ValidationError(_("A question needs distinct answers."))
    with transaction.atomic():
        message = message_post(report=report, actor=actor, body=body, kind="question",
                               payload={"question_kind": kind}, private_key=private_key)
        question = DialogueQuestion.objects.create(
            report=report, message=message, kind=kind, choices=[list(c) for c in choices], ref=ref
        )
        audit_record(action="reporting.dialogue_ask", actor=_user(actor), target=report,
                     data={"question_id": question.pk, "kind": kind, "ref": ref})
    return question


def dialogue_answer(*, question: DialogueQuestion, answer: str) -> DialogueQuestion:
    """The reporter answers; fires "question_answered". Call only with a reporter's access."""
    values = [value for value, _label in question.choices]
    if answer not in values:
        raise ValidationError({"answer": _("Choose one of the answers shown.")})
    with transaction.atomic():
        locked = DialogueQuestion.objects.select_for_update().get(pk=question.pk)
        if locked.answered_at is not None:
            raise ValidationError({"answer": _("This question has already been answered.")})
        locked.answer = answer
        locked.answered_at = timezone.now()
        locked.save(update_fields=["answer", "answered_at"])
        audit_record(action="reporting.dialogue_answer", target=locked.report, actor_label="reporter",
                     data={"question_id": locked.pk, "kind": locked.kind, "answer": answer})
        publish(QuestionAnswered(question=locked, answer=answer))
        recipient_ids = ReportRecipient.objects.filter(
            report_id=locked.report_id, revoked_at__isnull=True
        ).values_list("membership_id", flat=True)
        _notify_recipients(locked.report, list(recipient_ids), "reporting/email/reporter_replied")
    question.answer, question.answered_at = locked.answer, locked.answered_at
    return locked


# --- Sharing and continuity -----------------------------------------------------------------


def report_grant_access(
    *, actor: Actor, report: Report, membership: Membership, parts: Iterable[str],
    private_key: bytes, reason: str,
) -> ReportGrant:
    """Share chosen parts with one person (after the reporter's consent), under a new key."""
    parts = list(dict.fromkeys(parts))
    if not parts or any(p not in PARTS for p in parts):
        raise ValidationError({"parts": _("Choose which parts to share.")})
    if not _is_current_recipient(actor, report):
        raise PermissionDenied
    if membership.organisation_id != report.organisation_id or not membership.is_active:
        raise ValidationError({"membership": _("Choose someone in this organisation.")})
    if membership.pk in excluded_membership_ids(report):
        raise ValidationError({"membership": _(
            "This person is involved (or manages someone who is) and may not see this report."
        )})
    public = _public_key_of_membership(membership)
    if public is None:
        raise ValidationError({"membership": _("This person has no key yet: ask them to log in "
                                                "and unlock their reports first.")})
    report_key = report_key_for_recipient(report=report, membership_id=actor.membership_id,
                                          private_key=private_key)
    contents = json.loads(crypto.secret_decrypt(report_key, bytes(report.content_ciphertext)))
    grant_key = crypto.new_key()
    shared = {p: contents.get(p, "") for p in parts}
    with transaction.atomic():
        grant = ReportGrant.objects.create(
            report=report, membership=membership, parts=parts, granted_by_id=actor.membership_id,
            sealed_key=crypto.seal(public, grant_key),
            ciphertext=crypto.secret_encrypt(grant_key, _json({"parts": shared, "reason": reason})),
        )
        audit_record(action="reporting.grant_access", actor=_user(actor), target=report,
                     data={"grant_id": grant.pk, "membership_id": membership.pk, "parts": parts})
        _notify_recipients(report, [membership.pk], "reporting/email/shared_with_you")
    return grant


def report_revoke_access(*, actor: Actor, grant: ReportGrant) -> ReportGrant:
    """A current recipient ends a grant's future access (e.g. a withdrawal the reporter told them
    in person): the sealed key is deleted. What was already read cannot be unread."""
    report = grant.report
    if actor.organisation_id != report.organisation_id or not _is_current_recipient(actor, report):
        raise PermissionDenied
    if actor.membership_id in excluded_membership_ids(report):
        raise PermissionDenied
    with transaction.atomic():
        return _end_grant(grant, actor=actor, data={})


# A reporter withdraws consent by answering a question of this kind with this value (cases asks
# it after every hand-off, ADR 0042). Nothing else counts as the reporter's word.
CONSENT_QUESTION_KIND = "consent"
WITHDRAW_ANSWER = "withdraw"


def report_revoke_access_for_reporter(
    *, grant: ReportGrant, question: DialogueQuestion
) -> ReportGrant:
    """The reporter withdrew consent in the dialogue: end the grant's future access.

    There is no actor (the reporter has no account); the proof that the reporter asked is
    `question`, read again from the database: a consent question of the grant's own report, asked
    after the grant was made, answered with "withdraw". Call it from the `question_answered` hook,
    which runs in the reporter's request. Audited as the reporter's act.
    """
    asked = DialogueQuestion.objects.filter(
        pk=question.pk, report_id=grant.report_id, kind=CONSENT_QUESTION_KIND,
        answer=WITHDRAW_ANSWER, answered_at__isnull=False, created_at__gte=grant.created_at,
    ).exists()
    if not asked:
        raise PermissionDenied
    with transaction.atomic():
        return _end_grant(grant, actor=None, data={"question_id": question.pk})


def _end_grant(grant: ReportGrant, *, actor: Actor | None, data: dict[str, Any]) -> ReportGrant:
    """Drop the grant's sealed key and mark it revoked, once (a second call changes nothing and
    writes no audit entry). Call inside a transaction."""
    locked = ReportGrant.objects.select_for_update().select_related("report").get(pk=grant.pk)
    if locked.revoked_at is None:
        locked.sealed_key = None
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["sealed_key", "revoked_at"])
        audit_record(action="reporting.revoke_access", actor=_user(actor), target=locked.report,
                     actor_label="" if actor is not None else "reporter",
                     data={"grant_id": locked.pk, **data})
    grant.sealed_key, grant.revoked_at = locked.sealed_key, locked.revoked_at
    return grant


def report_add_recipient(
    *, actor: Actor, report: Report, membership: Membership, private_key: bytes
) -> ReportRecipient:
    """A current recipient adds a second full recipient (a colleague advisor, an external one)."""
    if not _is_current_recipient(actor, report):
        raise PermissionDenied
    _check_recipient(organisation=report.organisation, membership=membership,
                     excluded=excluded_membership_ids(report))
    report_key = report_key_for_recipient(report=report, membership_id=actor.membership_id,
                                          private_key=private_key)
    return _seal_for_new_recipient(actor=actor, report=report, membership=membership,
                                   report_key=report_key)


def _seal_for_new_recipient(
    *, actor: Actor | None, report: Report, membership: Membership, report_key: bytes
) -> ReportRecipient:
    public = _public_key_of_membership(membership)
    if public is None:
        raise ValidationError({"membership": _("This person cannot receive reports yet.")})
    with transaction.atomic():
        recipient, _created = ReportRecipient.objects.update_or_create(
            report=report, membership=membership,
            defaults={"sealed_key": crypto.seal(public, report_key), "revoked_at": None,
                      "role_at_time": _main_role(membership)},
        )
        audit_record(action="reporting.add_recipient", actor=_user(actor), target=report,
                     data={"membership_id": membership.pk})
        _notify_recipients(report, [membership.pk], "reporting/email/new_report")
    return recipient


def last_key_holder_message() -> str:
    return _(
        "This person is the last one who can open this report, so they cannot be removed: a "
        "report must never become unreadable. Add a second recipient first. If nobody can take "
        "it over, ask the coordinator: with the organisation recovery key they can give the "
        "report to a successor."
    )


def report_remove_recipient(
    *, actor: Actor, report: Report, membership: Membership
) -> ReportRecipient:
    """Stop someone's access to a report (they left, or turned out to be conflicted): their sealed
    copy of the report key is deleted, the report leaves their inbox and case list, and they get
    no more e-mails about it.

    Allowed for a current recipient (any fellow recipient, or themselves) and for the coordinator
    when the person has left (`permissions.can_remove_recipient`). Raises ValidationError when the
    person is not a current recipient of this report, or when the report would be left without
    anyone who can open it (`permissions.removal_keeps_report_openable`).
    """
    if actor.organisation_id != report.organisation_id:
        raise PermissionDenied
    by_recipient = _is_current_recipient(actor, report)
    if by_recipient and actor.membership_id in excluded_membership_ids(report):
        raise PermissionDenied
    left = has_left_recipients(is_active=membership.is_active, roles=membership.role_set)
    if not can_remove_recipient(actor, is_recipient=by_recipient, removed_has_left=left):
        raise PermissionDenied
    if membership.organisation_id != report.organisation_id:
        raise ValidationError({"membership": _("This person is not a recipient of this report.")})
    with transaction.atomic():
        # One removal per report at a time: two recipients removing each other at the same
        # moment must not both succeed and leave nobody.
        locked = Report.objects.select_for_update().only("pk", "recovery_sealed_key").get(pk=report.pk)
        recipient = ReportRecipient.objects.filter(
            report=report, membership=membership, revoked_at__isnull=True
        ).first()
        if recipient is None:
            raise ValidationError({"membership": _("This person is not a recipient of this report.")})
        if recipient.sealed_key is not None and not removal_keeps_report_openable(
            by_recipient=by_recipient, has_recovery_copy=locked.recovery_sealed_key is not None,
            **_other_key_holders(report_id=report.pk, membership_id=membership.pk),
        ):
            raise ValidationError({"membership": last_key_holder_message() if by_recipient else _(
                "Nobody else can open this report and it has no copy for the organisation "
                "recovery key, so this person cannot be removed: the report would become "
                "unreadable for good."
            )})
        recipient.sealed_key = None
        recipient.revoked_at = timezone.now()
        recipient.save(update_fields=["sealed_key", "revoked_at"])
        audit_record(action="reporting.remove_recipient", actor=_user(actor), target=report,
                     data={"membership_id": membership.pk, "by_coordinator": not by_recipient})
    return recipient


def _other_key_holders(*, report_id: int, membership_id: int) -> dict[str, bool]:
    """Does anyone besides this person hold the report key (and is one of them still active)?"""
    active = list(ReportRecipient.objects.filter(
        report_id=report_id, revoked_at__isnull=True, sealed_key__isnull=False,
    ).exclude(membership_id=membership_id).values_list("membership__is_active", flat=True))
    return {"other_key_holders": bool(active), "other_active_key_holders": any(active)}


def reports_remove_recipient(*, actor: Actor, membership: Membership) -> int:
    """The coordinator removes someone who left from every report they still receive, at once.

    All or nothing: refused while any of those reports would keep no copy of its key at all (no
    other key holder, no organisation recovery copy). Reports that rest on this person alone but
    have a recovery copy wait, unreadable, for a successor (`reports_recover_for`); the
    coordinator's page says so first. Returns how many reports they were removed from.
    """
    if not can_manage_recovery_key(actor):
        raise PermissionDenied
    if membership.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if not has_left_recipients(is_active=membership.is_active, roles=membership.role_set):
        raise ValidationError(_(
            "This person still works here with a role that receives reports. They can pass their "
            "reports on themselves, on each report's page. Remove someone here once they have left."
        ))
    with transaction.atomic():
        rows = recipient_rows(organisation_id=actor.organisation_id, membership_id=membership.pk)
        report_ids = sorted(rows.values_list("report_id", flat=True))
        # Lock the reports (in a fixed order) so no recipient leaves them meanwhile.
        list(Report.objects.select_for_update().filter(pk__in=report_ids).order_by("pk")
             .values_list("pk", flat=True))
        stuck = sum(
            1 for has_key, other_active, other, has_copy in rows.values_list(
                "has_key", "other_active", "other", "has_copy")
            if has_key and not removal_keeps_report_openable(
                by_recipient=False, other_active_key_holders=other_active,
                other_key_holders=other, has_recovery_copy=has_copy)
        )
        if stuck:
            raise ValidationError(ngettext(
                "%(count)d report can only be opened by this person and has no copy for the "
                "organisation recovery key. Removing them would make it unreadable for good, so "
                "nothing was changed.",
                "%(count)d reports can only be opened by this person and have no copy for the "
                "organisation recovery key. Removing them would make them unreadable for good, so "
                "nothing was changed.", stuck) % {"count": stuck})
        removed = ReportRecipient.objects.filter(
            membership=membership, report_id__in=report_ids, revoked_at__isnull=True
        ).update(sealed_key=None, revoked_at=timezone.now())
        for report_id in report_ids:
            audit_record(action="reporting.remove_recipient", actor=_user(actor),
                         target=Report(pk=report_id, organisation_id=actor.organisation_id),
                         data={"membership_id": membership.pk, "by_coordinator": True})
        audit_record(action="reporting.remove_recipient_everywhere", actor=_user(actor),
                     target=membership, data={"count": removed})
    return removed


def recovery_key_create(*, actor: Actor) -> tuple[OrganisationRecoveryKey, str]:
    """A new organisation recovery key pair; return the private half ONCE (to keep offline)."""
    if not can_manage_recovery_key(actor):
        raise PermissionDenied
    public, private = crypto.keypair_generate()
    with transaction.atomic():
        OrganisationRecoveryKey.objects.filter(
            organisation_id=actor.organisation_id, retired_at__isnull=True
        ).update(retired_at=timezone.now())
        key = OrganisationRecoveryKey.objects.create(
            organisation_id=actor.organisation_id, public_key=public,
            created_by_id=actor.membership_id,
        )
        audit_record(action="reporting.recovery_key_create", actor=_user(actor), target=key)
    return key, recovery_private_format(private)


def recovery_private_format(private: bytes) -> str:
    raw = base64.b32encode(private).decode().rstrip("=")
    return "VNR-" + "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def recovery_private_parse(text: str) -> bytes:
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    cleaned = cleaned.removeprefix("VNR")
    try:
        data = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError) as error:
        raise ValidationError({"recovery_key": _("This is not a valid recovery key.")}) from error
    if len(data) != crypto.KEY_SIZE:
        raise ValidationError({"recovery_key": _("This is not a valid recovery key.")})
    return data


def report_seal_for_recovery(*, actor: Actor, report: Report, private_key: bytes) -> bool:
    """When a recipient opens a report made before the organisation's current recovery key
    existed, also seal its key for that recovery key (ADR 0031). Returns True when it did."""
    recovery = OrganisationRecoveryKey.objects.filter(
        organisation_id=report.organisation_id, retired_at__isnull=True
    ).first()
    if recovery is None or report.recovery_key_id == recovery.pk:
        return False
    report_key = report_key_for_recipient(report=report, membership_id=actor.membership_id,
                                          private_key=private_key)
    with transaction.atomic():
        updated = Report.objects.filter(pk=report.pk, recovery_key_id=report.recovery_key_id).update(
            recovery_key=recovery, recovery_sealed_key=crypto.seal(bytes(recovery.public_key), report_key)
        )
        if updated:
            audit_record(action="reporting.recovery_seal", actor=_user(actor), target=report,
                         data={"recovery_key_id": recovery.pk})
    report.recovery_key_id = recovery.pk
    return bool(updated)


# --- Continuity: two people and the offline key give reports to a successor (ADR 0031) --------

RECOVERY_REQUEST_VALID_FOR = timedelta(days=7)
MIN_REASON_LENGTH = 10
MAX_REASON_LENGTH = 300


def _clean_reason(reason: str, field: str = "reason") -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError({field: _(
            "Say briefly why (at least 10 characters), without anything from a report.")})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError({field: _("Keep the reason short (at most 300 characters).")})
    return reason


def _member_of(actor: Actor) -> Membership:
    return membership_for_actor(actor=actor)


def _email_members(membership_ids: Iterable[int], kind: str, **ids: Any) -> None:
    """Content-free notices to people (active members only), queued after the commit with ids
    only (ADR 0051); the kinds live in reporting/mails.py."""
    user_ids = user_ids_of_active_memberships(membership_ids)
    if user_ids:
        transaction.on_commit(lambda: queue_mail(kind, user_ids=user_ids, **ids))


def unavailable_membership_ids(*, organisation_id: int) -> set[int]:
    return set(RecipientUnavailability.objects.filter(
        organisation_id=organisation_id, ended_at__isnull=True).values_list("membership_id", flat=True))


def recipient_unavailable_declare(
    *, actor: Actor, membership: Membership, reason: str
) -> RecipientUnavailability:
    """The coordinator records that someone cannot handle their reports for now. On its own
    this gives nobody anything: it only lets a two-person recovery request take over the reports
    that rest on this person. Audited (ids only); the person is told by e-mail."""
    if membership.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if not can_declare_unavailable(actor, membership_id=membership.pk):
        raise PermissionDenied
    reason = _clean_reason(reason)
    with transaction.atomic():
        if RecipientUnavailability.objects.filter(membership=membership,
                                                  ended_at__isnull=True).exists():
            raise ValidationError(_("This person has already been declared unavailable."))
        declaration = RecipientUnavailability.objects.create(
            organisation_id=actor.organisation_id, membership=membership, reason=reason,
            declared_by_id=actor.membership_id,
        )
        audit_record(action="reporting.unavailable_declare", actor=_user(actor), target=membership,
                     data={"declaration_id": declaration.pk, "membership_id": membership.pk})
        # The person hears of it at once: if it is not true, they can end it and tell others.
        _email_members([membership.pk], "reporting/email/declared_unavailable",
                       declaration_id=declaration.pk)
    return declaration


def recipient_unavailable_end(
    *, actor: Actor, declaration: RecipientUnavailability
) -> RecipientUnavailability:
    """The person is back (or was never away): the coordinator or the person ends it."""
    if declaration.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if not can_end_unavailability(actor, membership_id=declaration.membership_id):
        raise PermissionDenied
    with transaction.atomic():
        updated = RecipientUnavailability.objects.filter(
            pk=declaration.pk, ended_at__isnull=True
        ).update(ended_at=timezone.now(), ended_by_id=actor.membership_id)
        if updated:
            audit_record(action="reporting.unavailable_end", actor=_user(actor),
                         target=declaration.membership,
                         data={"declaration_id": declaration.pk})
    declaration.refresh_from_db()
    return declaration


@dataclass(frozen=True)
class RecoveryPlan:
    """Which reports a recovery would give to the successor, and why each is waiting."""

    report_ids: list[int]
    holder_unavailable: dict[int, bool]  # report id -> a holder was declared unavailable
    skipped: int  # waiting for a successor, but not for this one (involved, grant, role)


def recovery_plan(
    *, organisation_id: int, successor: Membership, key_ids: Iterable[int] | None = None
) -> RecoveryPlan:
    """The reports the organisation recovery key may give to `successor`: it has a copy, EVERY
    current holder of the report is gone (left, no longer a receiving role, or declared
    unavailable), and the successor may take it: not involved or in an involved person's line,
    never someone who holds or held a grant on it (consent limits what they may read), and
    holding the role the reporter chose (an advisor's report goes to an advisor)."""
    reports = Report.objects.filter(organisation_id=organisation_id,
                                    recovery_sealed_key__isnull=False)
    if key_ids is not None:
        reports = reports.filter(recovery_key_id__in=list(key_ids))
    reports_by_id = {r.pk: r for r in reports.only(
        "pk", "organisation_id", "receipt_hash", "involved_tags", "route_step")}
    holders: dict[int, list[ReportRecipient]] = {}
    rows = ReportRecipient.objects.filter(
        report_id__in=list(reports_by_id), revoked_at__isnull=True, sealed_key__isnull=False,
    ).select_related("membership").prefetch_related("membership__roles")
    for row in rows:
        holders.setdefault(row.report_id, []).append(row)
    unavailable = unavailable_membership_ids(organisation_id=organisation_id)
    granted = set(ReportGrant.objects.filter(membership=successor).values_list("report_id", flat=True))
    successor_roles = successor.role_set
    chosen, reasons, skipped = [], {}, 0
    for report_id, report in sorted(reports_by_id.items()):
        current = holders.get(report_id, [])
        if not all(holder_is_gone(is_active=h.membership.is_active, roles=h.membership.role_set,
                                  declared_unavailable=h.membership_id in unavailable)
                   for h in current):
            continue  # someone can still open it: recovery is not for this report
        if (report_id in granted or successor_role_for(report.route_step) not in successor_roles
                or successor.pk in excluded_membership_ids(report)):
            skipped += 1
            continue
        chosen.append(report_id)
        reasons[report_id] = any(h.membership_id in unavailable for h in current)
    return RecoveryPlan(report_ids=chosen, holder_unavailable=reasons, skipped=skipped)


def _check_successor(*, organisation_id: int, successor: Membership) -> None:
    if successor.organisation_id != organisation_id:
        raise PermissionDenied
    if not can_be_successor(
        roles=successor.role_set, is_active=successor.is_active,
        has_keypair=has_keypair(successor.user_id),
        declared_unavailable=successor.pk in unavailable_membership_ids(organisation_id=organisation_id),
    ):
        raise ValidationError({"successor": _(
            "Choose someone who works here as a confidential advisor, in HR or on the complaints "
            "committee, who has unlocked their reports once and is available.")})


def _request_is_open(request: RecoveryRequest) -> bool:
    return request.status in (RecoveryRequest.Status.PENDING, RecoveryRequest.Status.APPROVED) \
        and request.expires_at > timezone.now()


def _email_recovery_notice(membership_ids: Iterable[int], request: RecoveryRequest,
                           event: str) -> None:
    _email_members(membership_ids, RECOVERY_NOTICE_MAIL, request_id=request.pk,
                   event=RECOVERY_EVENTS.index(event))


def recovery_request_create(
    *, actor: Actor, successor: Membership, reason: str
) -> RecoveryRequest:
    """The coordinator asks to give the reports that wait for a successor to `successor`.
    Refused when no report waits (every report still has a holder who can open it), when the
    coordinator names themselves, or when the successor may not receive reports. A second,
    different person must approve it in the product before the offline key can be used."""
    if successor.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if not can_request_recovery(actor, successor_id=successor.pk):
        raise PermissionDenied
    _check_successor(organisation_id=actor.organisation_id, successor=successor)
    reason = _clean_reason(reason)
    if not OrganisationRecoveryKey.objects.filter(organisation_id=actor.organisation_id).exists():
        raise ValidationError(_("This organisation has no recovery key yet."))
    plan = recovery_plan(organisation_id=actor.organisation_id, successor=successor)
    if not plan.report_ids:
        raise ValidationError(_(
            "No report is waiting for a successor that this person may take over. The recovery "
            "key is only for reports whose every holder has left or has been declared "
            "unavailable."))
    with transaction.atomic():
        request = RecoveryRequest.objects.create(
            organisation_id=actor.organisation_id, successor=successor,
            requested_by_id=actor.membership_id, reason=reason,
            expires_at=timezone.now() + RECOVERY_REQUEST_VALID_FOR,
            report_count=len(plan.report_ids),
        )
        audit_record(action="reporting.recovery_request", actor=_user(actor), target=request,
                     data={"request_id": request.pk, "successor_id": successor.pk,
                           "count": len(plan.report_ids)})
        # Everyone who could approve hears of it, and so do the successor and the requester: a
        # request made with a stolen account is noticed by the people it would pass by.
        approvers = active_memberships_in(organisation_id=actor.organisation_id).filter(
            roles__role__in=list(CASE_READING_ROLES),
        ).exclude(pk__in=[actor.membership_id, successor.pk]).values_list("pk", flat=True)
        _email_recovery_notice(approvers, request, "approve")
        _email_recovery_notice([successor.pk, actor.membership_id], request, "requested")
    return request


def recovery_request_decide(
    *, actor: Actor, request: RecoveryRequest, approve: bool
) -> RecoveryRequest:
    """A second, different person who may read cases approves or refuses a pending request."""
    if request.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if not can_approve_recovery(actor, requested_by_id=request.requested_by_id,
                                successor_id=request.successor_id):
        raise PermissionDenied
    with transaction.atomic():
        locked = RecoveryRequest.objects.select_for_update().select_related("organisation").get(
            pk=request.pk)
        if locked.status != RecoveryRequest.Status.PENDING or not _request_is_open(locked):
            raise ValidationError(_("This request can no longer be decided on."))
        locked.status = (RecoveryRequest.Status.APPROVED if approve
                         else RecoveryRequest.Status.REFUSED)
        locked.decided_by_id = actor.membership_id
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(action="reporting.recovery_decide", actor=_user(actor), target=locked,
                     data={"request_id": locked.pk, "approved": approve})
        _email_recovery_notice([locked.successor_id, locked.requested_by_id or 0], locked,
                               "approved" if approve else "refused")
    return locked


def _recovery_message(*, successor: Membership, unavailable: bool) -> str:
    """What the reporter reads in their dialogue: who holds the report now, and why."""
    name = successor.user.full_name or successor.user.email
    with translation.override(settings.LANGUAGE_CODE):
        role = str(Role(successor_role_for_membership(successor)).label).lower()
        why = (_("the person who had your report cannot handle it for now") if unavailable
               else _("nobody who had your report works on it here any more"))
        return _(
            "Your report is now with %(name)s (%(role)s), because %(why)s. Two people in the "
            "organisation decided this together; neither of them can read your report. %(name)s "
            "can read your report and your messages and will answer you here. What you agreed to "
            "share with others stays as it was. If you do not want this, say so in a message."
        ) % {"name": name, "role": str(role), "why": why}


def successor_role_for_membership(membership: Membership) -> str:
    roles = membership.role_set
    return next((str(role) for role in (Role.ADVISOR, Role.COMPLAINTS_COMMITTEE, Role.HR)
                 if role in roles), str(Role.ADVISOR))


def recovery_request_carry_out(
    *, actor: Actor, request: RecoveryRequest, recovery_private_key: str
) -> int:
    """The coordinator who asked enters the offline key after the approval: every report that
    (still) waits for this successor gets a sealed copy of its key for them, and its reporter is
    told in the dialogue who holds it now and why. Every rule is checked again now. Returns how
    many reports were given."""
    if request.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if not can_carry_out_recovery(actor, requested_by_id=request.requested_by_id,
                                  successor_id=request.successor_id):
        raise PermissionDenied
    private = recovery_private_parse(recovery_private_key)
    public = crypto.public_key_of(private)
    matching = [k.pk for k in OrganisationRecoveryKey.objects.filter(
        organisation_id=actor.organisation_id) if bytes(k.public_key) == public]
    if not matching:
        raise ValidationError({"recovery_key": _(
            "This recovery key does not belong to this organisation.")})
    with transaction.atomic():
        locked = RecoveryRequest.objects.select_for_update().select_related(
            "organisation", "successor__user").get(pk=request.pk)
        if locked.status != RecoveryRequest.Status.APPROVED or not _request_is_open(locked):
            raise ValidationError(_(
                "This request is not approved (or no longer valid). Make a new request."))
        successor = locked.successor
        _check_successor(organisation_id=actor.organisation_id, successor=successor)
        plan = recovery_plan(organisation_id=actor.organisation_id, successor=successor,
                             key_ids=matching)
        public_key = _public_key_of_membership(successor)
        reports = Report.objects.select_for_update().filter(pk__in=plan.report_ids).order_by("pk")
        count = 0
        for report in reports:
            report_key = crypto.unseal(private, bytes(report.recovery_sealed_key or b""))
            ReportRecipient.objects.update_or_create(
                report=report, membership=successor,
                defaults={"sealed_key": crypto.seal(public_key or b"", report_key),
                          "revoked_at": None, "role_at_time": _main_role(successor)},
            )
            message_post(report=report, actor=None, kind="recovery", body=_recovery_message(
                successor=successor, unavailable=plan.holder_unavailable.get(report.pk, False)))
            audit_record(action="reporting.recover_report", actor=_user(actor), target=report,
                         data={"request_id": locked.pk, "membership_id": successor.pk})
            count += 1
        locked.status = RecoveryRequest.Status.DONE
        locked.carried_out_at = timezone.now()
        locked.report_count = count
        locked.save(update_fields=["status", "carried_out_at", "report_count"])
        audit_record(action="reporting.recover_reports", actor=_user(actor), target=successor,
                     data={"request_id": locked.pk, "approved_by": locked.decided_by_id,
                           "count": count})
        _email_recovery_notice([successor.pk, locked.decided_by_id or 0, actor.membership_id],
                               locked, "done")
    return count


# --- Role changes: access follows the role (organisations' "membership_changed" hook) -------

# Roles for which someone may have been given parts of a report (a consented hand-off).
GRANT_ROLES = frozenset({Role.ADVISOR, Role.HR, Role.COMPLAINTS_COMMITTEE, Role.MANAGER,
                         Role.COORDINATOR})


def on_membership_changed(event: MembershipChanged) -> None:
    """Someone lost a role that receives reports, or left: their copies of report keys and their
    grants are revoked at once (the report leaves their inbox, the page answers 404). The last
    copy of a report key is never destroyed: when nobody else holds the key and there is no
    recovery copy, their sealed copy stays, unusable while revoked, and comes back only if they
    get the role back. Reports without an active holder wait for a successor (recovery)."""
    removed, actor = event.removed, event.actor
    membership = membership_get_with_roles(event.membership.pk)
    receives = membership.is_active and can_receive_reports(membership.role_set)
    with transaction.atomic():
        if not receives:
            _revoke_recipient_rows(membership, actor)
        else:
            _restore_kept_copies(membership, actor)
        if not membership.is_active or (removed & GRANT_ROLES):
            grants = ReportGrant.objects.filter(membership=membership, revoked_at__isnull=True)
            for grant in grants:
                _end_grant(grant, actor=actor, data={"by_role_change": True})


def _revoke_recipient_rows(membership: Membership, actor: Actor | None) -> None:
    report_ids = list(ReportRecipient.objects.filter(
        membership=membership, revoked_at__isnull=True).values_list("report_id", flat=True))
    if not report_ids:
        return
    # The same lock as removals (fixed order), so two changes cannot both take the last key.
    locked = {r.pk: r for r in Report.objects.select_for_update().filter(pk__in=report_ids)
              .order_by("pk").only("pk", "organisation_id", "recovery_sealed_key")}
    now = timezone.now()
    for row in ReportRecipient.objects.filter(membership=membership, report_id__in=report_ids,
                                              revoked_at__isnull=True):
        report = locked[row.report_id]
        others = ReportRecipient.objects.filter(
            report_id=row.report_id, revoked_at__isnull=True, sealed_key__isnull=False,
        ).exclude(pk=row.pk).exists()
        keep = row.sealed_key is not None and not others and report.recovery_sealed_key is None
        row.revoked_at = now
        if not keep:
            row.sealed_key = None
        row.save(update_fields=["revoked_at", "sealed_key"])
        audit_record(action="reporting.remove_recipient", actor=_user(actor), target=report,
                     organisation_id=report.organisation_id,
                     data={"membership_id": membership.pk, "by_role_change": True,
                           "last_copy_kept": keep})


def _restore_kept_copies(membership: Membership, actor: Actor | None) -> None:
    """A person who gets a receiving role back regains only the reports whose last copy of the
    key was kept for them: never anything they did not hold before."""
    kept = ReportRecipient.objects.filter(membership=membership, revoked_at__isnull=False,
                                          sealed_key__isnull=False).select_related("report")
    for row in kept:
        if membership.pk in excluded_membership_ids(row.report):
            continue
        row.revoked_at = None
        row.save(update_fields=["revoked_at"])
        audit_record(action="reporting.recipient_restore", actor=_user(actor), target=row.report,
                     data={"membership_id": membership.pk})


def advisor_profile_save(*, actor: Actor, introduction: str, how_to_reach: str, availability: str,
                         is_listed: bool, photo: Any = None, remove_photo: bool = False) -> Any:
    if not can_edit_own_profile(actor):
        raise PermissionDenied
    with transaction.atomic():
        profile, _created = AdvisorProfile.objects.get_or_create(membership_id=actor.membership_id)
        profile.introduction, profile.how_to_reach = introduction, how_to_reach
        profile.availability, profile.is_listed = availability, is_listed
        if remove_photo:
            profile.photo = ""
        elif photo:
            profile.photo = photo
        profile.save()
        audit_record(action="reporting.profile_save", actor=_user(actor), target=profile)
    return profile


# --- The organisation's route (coordinator) -------------------------------------------------

MAX_ROUTE_CONTACTS = 10
MAX_STEP_DESCRIPTION = 2000


@dataclass(frozen=True)
class StepSetting:
    """One step as the coordinator sets it. An empty title or description means: the default."""

    kind: str
    position: int
    is_enabled: bool = True
    title: str = ""
    description: str = ""
    external_bodies: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContactSetting:
    """A place outside the organisation on the external step."""

    name: str
    description: str = ""
    phone: str = ""
    url: str = ""


def _clean_steps(steps: Sequence[StepSetting]) -> list[StepSetting]:
    kinds = [step.kind for step in steps]
    if any(kind not in StepKind.values for kind in kinds) or len(set(kinds)) != len(kinds):
        raise ValidationError({"steps": _("Each step can be on the route once.")})
    if not any(step.is_enabled for step in steps):
        raise ValidationError({"steps": _("Show at least one step, or nobody knows where to go.")})
    cleaned = []
    # Stable: steps with the same number keep the order they were given in.
    for position, step in enumerate(sorted(steps, key=lambda s: s.position)):
        title, description = step.title.strip(), step.description.strip()
        if len(title) > 150:
            raise ValidationError({f"step-{step.kind}": _("A title can be at most 150 characters.")})
        if len(description) > MAX_STEP_DESCRIPTION:
            raise ValidationError({f"step-{step.kind}": _(
                "A description can be at most 2,000 characters.")})
        # An unchanged standard text is stored empty: it keeps following the standard (and its
        # translation into the reader's language).
        if title == step_label(step.kind):
            title = ""
        if description == default_step_text(step.kind):
            description = ""
        bodies: tuple[str, ...] = ()
        if step.kind == StepKind.EXTERNAL:
            if any(code not in EXTERNAL_BODIES for code in step.external_bodies):
                raise ValidationError({f"step-{step.kind}": _("Choose from the organisations shown.")})
            bodies = tuple(dict.fromkeys(step.external_bodies))
        cleaned.append(StepSetting(kind=step.kind, position=position, is_enabled=step.is_enabled,
                                   title=title, description=description, external_bodies=bodies))
    return cleaned


def _clean_contacts(contacts: Sequence[ContactSetting]) -> list[ContactSetting]:
    if len(contacts) > MAX_ROUTE_CONTACTS:
        raise ValidationError({"contacts": _("You can add at most 10 contacts.")})
    cleaned = []
    for contact in contacts:
        name, url = contact.name.strip(), contact.url.strip()
        if not name:
            raise ValidationError({"contacts": _("Every contact needs a name.")})
        if url:
            try:
                URLValidator(schemes=["https", "http"])(url)
            except ValidationError as error:
                raise ValidationError(
                    {"contacts": _("Fill in a web address that starts with https://.")}
                ) from error
        description, phone = contact.description.strip(), contact.phone.strip()
        if len(name) > 150 or len(description) > 500 or len(phone) > 40 or len(url) > 300:
            raise ValidationError({"contacts": _(
                "A contact's name, text, phone number or web address is too long.")})
        cleaned.append(ContactSetting(name=name, description=description, phone=phone, url=url))
    return cleaned


def _check_default_recipient(*, organisation_id: int, membership: Membership | None) -> None:
    if membership is None:
        return
    if (membership.organisation_id != organisation_id or not membership.is_active
            or not can_receive_reports(membership.role_set)):
        raise ValidationError({"default_recipient": _("Choose one of the people shown.")})
    if not has_keypair(membership.user_id):
        raise ValidationError({"default_recipient": _(
            "This person cannot receive reports yet: they first unlock their reports once.")})


def route_save(
    *,
    actor: Actor,
    unit: Unit | None,
    introduction: str,
    default_recipient: Membership | None,
    steps: Sequence[StepSetting],
    contacts: Sequence[ContactSetting] = (),
    complaints_procedure_text: str = "",
    complaints_procedure_file: Any = None,
    remove_complaints_procedure_file: bool = False,
) -> Any:
    """Write the route of the organisation (unit None) or a unit's own route, all at once:
    texts, the default recipient, the steps in order, and contacts outside the organisation."""
    if not can_configure_route(actor):
        raise PermissionDenied
    if unit is not None and unit.organisation_id != actor.organisation_id:
        raise PermissionDenied
    _check_default_recipient(organisation_id=actor.organisation_id, membership=default_recipient)
    cleaned_steps = _clean_steps(steps)
    cleaned_contacts = _clean_contacts(contacts)
    with transaction.atomic():
        route, created = ReportingRoute.objects.select_for_update().get_or_create(
            organisation_id=actor.organisation_id, unit=unit)
        old_file = route.complaints_procedure_file.name if route.complaints_procedure_file else ""
        route.introduction = introduction.strip()
        route.complaints_procedure_text = complaints_procedure_text.strip()
        route.default_recipient = default_recipient
        if complaints_procedure_file:
            route.complaints_procedure_file.save(
                # A random name: the public link does not reveal the uploader's file name.
                f"klachtenregeling-{secrets.token_hex(8)}.pdf", complaints_procedure_file, save=False)
        elif remove_complaints_procedure_file:
            route.complaints_procedure_file = None
        route.save()
        new_file = route.complaints_procedure_file.name if route.complaints_procedure_file else ""
        if old_file and old_file != new_file:
            storage = route.complaints_procedure_file.storage
            transaction.on_commit(lambda: storage.delete(old_file))
        route.steps.all().delete()
        RouteStep.objects.bulk_create([
            RouteStep(route=route, position=s.position, kind=s.kind, title=s.title,
                      description=s.description, is_enabled=s.is_enabled,
                      external_bodies=list(s.external_bodies))
            for s in cleaned_steps
        ])
        route.contacts.all().delete()
        RouteContact.objects.bulk_create([
            RouteContact(route=route, position=position, name=c.name, description=c.description,
                         phone=c.phone, url=c.url)
            for position, c in enumerate(cleaned_contacts)
        ])
        audit_record(action="reporting.route_update", actor=_user(actor), target=route, data={
            "unit_id": unit.pk if unit else None, "created": created,
            "steps": [s.kind for s in cleaned_steps if s.is_enabled],
            "contacts": len(cleaned_contacts),
            "default_recipient": default_recipient.pk if default_recipient else None,
        })
    return route


def route_remove_unit_route(*, actor: Actor, unit: Unit) -> bool:
    """A unit stops having its own route and follows the route above it again."""
    if not can_configure_route(actor) or unit.organisation_id != actor.organisation_id:
        raise PermissionDenied
    with transaction.atomic():
        route = ReportingRoute.objects.filter(organisation_id=actor.organisation_id, unit=unit).first()
        if route is None:
            return False
        file_name = route.complaints_procedure_file.name if route.complaints_procedure_file else ""
        storage = route.complaints_procedure_file.storage
        audit_record(action="reporting.route_remove", actor=_user(actor), target=route,
                     data={"unit_id": unit.pk})
        route.delete()
        if file_name:
            transaction.on_commit(lambda: storage.delete(file_name))
    return True


# --- Destruction at the end of retention ----------------------------------------------------


def report_destroy(*, report_id: int) -> bool:
    """Destroy a report for good at the end of its retention term (called by cases' retention
    job, which keeps only its own non-identifying figures): the encrypted files are removed from
    storage, then the report row with everything that hangs on it — narrative and sealed keys,
    messages, questions, attachments' metadata, recipients and grants. Nothing of the report is
    left to decrypt, with any key. Audited with ids only; a second call finds nothing and returns
    False."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            return False
        files = [attachment.file for attachment in report.attachments.all()]
        organisation_id = report.organisation_id
        report.delete()
        audit_record(action="reporting.report_destroyed", actor_label="system",
                     organisation_id=organisation_id, data={"report_id": report_id,
                                                            "files": len(files)})
        # Files go only once the rows are gone for certain: a rollback keeps both.
        transaction.on_commit(lambda: _delete_files(files))
    return True


def _delete_files(files: list[Any]) -> None:
    for file in files:
        file.delete(save=False)
