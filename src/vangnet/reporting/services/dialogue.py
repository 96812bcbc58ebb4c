"""The two-way dialogue: the reporter opens their report with the receipt code and replies;
handlers write and ask questions (with an unlocked key that opens the report); answers announce
QuestionAnswered.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core import crypto
from vangnet.core.events import publish
from vangnet.core.service import require, service_write
from vangnet.organisations.public import (
    Actor,
)

from ..conflicts import excluded_membership_ids
from ..events import HandlerWrote, QuestionAnswered
from ..models import (
    DialogueQuestion,
    Message,
    Report,
    ReportRecipient,
)
from ..receipts import receipt_derive
from ..sealing import ReporterAccess, report_key_for_recipient
from .common import (
    MAX_MESSAGE_LENGTH,
    UploadedAttachment,
    _attach,
    _clean_uploads,
    _notify_recipients,
    _notify_reporter,
    _seal_for_report,
)

# --- Reporter side --------------------------------------------------------------------------


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
    with service_write(action="reporting.reporter_reply", actor=None, actor_label="reporter",
                       target=report) as change:
        message = Message.objects.create(
            report=report, author_kind=Message.AuthorKind.REPORTER, kind=kind,
            ciphertext=_seal_for_report(report, body.encode()),
        )
        files = _attach(report, message, clean_files)
        change.data = {"message_id": message.pk, "attachments": files}
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
    attachments: Sequence[UploadedAttachment] = (),
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
        require(actor.organisation_id == report.organisation_id
                and _is_current_recipient(actor, report)
                and actor.membership_id not in excluded_membership_ids(report))
        _check_writer_key(actor=actor, report=report, private_key=private_key)
    # Files to the reporter (issue 13): the same checks and cleaning as the reporter's own files,
    # sealed to the report like every message; refused files store nothing.
    clean_files = _clean_uploads(attachments)
    with service_write(action="reporting.message_post", actor=actor, target=report) as change:
        message = Message.objects.create(
            report=report,
            author_kind=Message.AuthorKind.SYSTEM if actor is None else Message.AuthorKind.HANDLER,
            author_id=actor.membership_id if actor is not None else None,
            ciphertext=_seal_for_report(report, body.encode()), kind=kind, payload=payload or {},
        )
        files = _attach(report, message, clean_files)
        change.data = {"message_id": message.pk, "kind": kind, "attachments": files}
        _notify_reporter(report)
        if actor is not None:
            publish(HandlerWrote(report=report, membership_id=actor.membership_id, kind=kind))
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
    with service_write(action="reporting.dialogue_ask", actor=actor, target=report) as change:
        message = message_post(report=report, actor=actor, body=body, kind="question",
                               payload={"question_kind": kind}, private_key=private_key)
        question = DialogueQuestion.objects.create(
            report=report, message=message, kind=kind, choices=[list(c) for c in choices], ref=ref
        )
        change.data = {"question_id": question.pk, "kind": kind, "ref": ref}
    return question


def dialogue_answer(*, question: DialogueQuestion, answer: str) -> DialogueQuestion:
    """The reporter answers; fires "question_answered". Call only with a reporter's access."""
    values = [value for value, _label in question.choices]
    if answer not in values:
        raise ValidationError({"answer": _("Choose one of the answers shown.")})
    # The answer and what it sets off (a withdrawn consent ends a grant) commit together; the
    # answer's audit entry comes first in the chain.
    with transaction.atomic():
        with service_write(action="reporting.dialogue_answer", actor=None,
                           actor_label="reporter") as change:
            locked = DialogueQuestion.objects.select_for_update().get(pk=question.pk)
            if locked.answered_at is not None:
                raise ValidationError({"answer": _("This question has already been answered.")})
            locked.answer = answer
            locked.answered_at = timezone.now()
            locked.save(update_fields=["answer", "answered_at"])
            change.target = locked.report
            change.data = {"question_id": locked.pk, "kind": locked.kind, "answer": answer}
        publish(QuestionAnswered(question=locked, answer=answer))
        recipient_ids = ReportRecipient.objects.filter(
            report_id=locked.report_id, revoked_at__isnull=True
        ).values_list("membership_id", flat=True)
        _notify_recipients(locked.report, list(recipient_ids), "reporting/email/reporter_replied")
    question.answer, question.answered_at = locked.answer, locked.answered_at
    return locked
