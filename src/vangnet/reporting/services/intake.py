"""A report comes in: through the web or API form (`report_submit`) or written down by an advisor
after a conversation (`report_register_oral`). Encrypts, seals the key for each recipient and the
reporter's receipt, and announces ReportSubmitted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vangnet.core import crypto
from vangnet.core.events import publish
from vangnet.core.service import require, service_write
from vangnet.organisations.public import (
    Actor,
    Role,
    membership_for_actor,
)

from .. import holdings
from ..attachments import clean_voice
from ..categories import Category, DiscriminationGround, ordered_categories
from ..conflicts import excluded_for_involved, involvement_tags
from ..events import ReportSubmitted
from ..keys import has_keypair
from ..models import (
    OrganisationRecoveryKey,
    Report,
    ReportRecipient,
    StepKind,
)
from ..permissions import (
    can_receive_reports,
    can_register_oral_report,
)
from ..receipts import receipt_derive, receipt_new
from ..route import default_recipient as route_default_recipient

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Organisation, Unit

    from ..receipts import ReceiptSecret

from ..sealing import PARTS
from .common import (
    MAX_PART_LENGTH,
    UploadedAttachment,
    _attach,
    _clean_uploads,
    _json,
    _notify_recipients,
    _public_key_of_membership,
)
from .dialogue import dialogue_ask


def _clean_parts(parts: dict[str, str], mode: str, *, spoken: bool = False) -> dict[str, str]:
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValidationError(_("Unknown parts: %(parts)s") % {"parts": ", ".join(sorted(unknown))})
    cleaned = {key: (parts.get(key) or "").strip() for key in PARTS}
    for key, value in cleaned.items():
        if len(value) > MAX_PART_LENGTH:
            raise ValidationError({key: _("This text is too long (at most 20,000 characters).")})
    if not cleaned["narrative"] and not spoken:
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


def _new_receipt() -> tuple[str, ReceiptSecret]:
    while True:
        code = receipt_new()
        secret = receipt_derive(code)
        if not Report.objects.filter(receipt_hash=secret.lookup_hash).exists():
            return code, secret


def report_submit(
    *,
    organisation: Organisation,
    category: str,
    mode: str,
    parts: dict[str, str],
    other_categories: Iterable[str] = (),
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
    voice: UploadedAttachment | None = None,
) -> tuple[Report, str]:
    """Store an encrypted report for its recipient(s); return it and the receipt code (show once).

    `voice`: a recording made in the reporter's browser, stored encrypted like an attachment; with
    it, the written account may be empty. `category` is the primary category, `other_categories`
    what the report is also about (docs/adr/0100).

    Raises ValidationError with field keys for anything the reporter can fix.
    """
    other_categories = list(other_categories)
    if category not in Category.values or any(c not in Category.values for c in other_categories):
        raise ValidationError({"category": _("Choose what it is about.")})
    categories = ordered_categories([category, *other_categories], primary=category)
    if discrimination_ground and discrimination_ground not in DiscriminationGround.values:
        raise ValidationError({"discrimination_ground": _("Choose one of the grounds shown.")})
    if mode not in Report.Mode.values:
        raise ValidationError({"mode": _("Choose how you want to be known.")})
    if route_step is not None and route_step not in StepKind.values:
        raise ValidationError({"route_step": _("Choose a step of the route.")})
    if unit is not None and unit.organisation_id != organisation.pk:
        raise ValidationError({"unit": _("Choose one of the units shown.")})
    involved = [m for m in involved if m.organisation_id == organisation.pk]
    clean_voice_file = clean_voice(data=voice.data) if voice is not None else None
    cleaned = _clean_parts(parts, mode, spoken=clean_voice_file is not None)
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
    if clean_voice_file is not None:
        clean_files = [clean_voice_file, *clean_files]
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
    with service_write(action="reporting.report_submit", actor=None,
                       actor_label="reporter") as change:
        try:
            report = Report.objects.create(
                organisation=organisation, unit=unit, category=category, categories=categories,
                discrimination_ground=(discrimination_ground
                                       if Category.DISCRIMINATIE in categories else ""),
                mode=mode, channel=channel, route_step=route_step,
                language=(translation.get_language() or "")[:10],
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
        rows = []
        for member in recipients:
            public = _public_key_of_membership(member)
            rows.append(ReportRecipient(
                report=report, membership=member, sealed_key=crypto.seal(public, report_key)
                if public else None, role_at_time=_main_role(member),
            ))
        # In one insert and one update of the coordinator's running totals (docs/adr/0095):
        # the number of queries does not grow with the number of recipients.
        ReportRecipient.objects.bulk_create(rows)
        holdings.refresh([report.pk])
        files = _attach(report, None, clean_files)
        # The subscribers (case creation, pattern counts) run before the audit entry (written when
        # the block ends): appending locks the organisation's audit chain until commit, and
        # nothing slow may run under it.
        publish(ReportSubmitted(report=report))
        change.target = report
        change.data = {
            "mode": mode, "channel": channel, "recipients": [m.pk for m in recipients],
            "attachments": files, "involved_count": len(involved),
            "voice": clean_voice_file is not None,
        }
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
    require(can_register_oral_report(actor))
    me = membership_for_actor(actor=actor)
    require(crypto.public_key_of(private_key) == _public_key_of_membership(me))
    with transaction.atomic():  # two audited writes (the report, the question) or neither
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
