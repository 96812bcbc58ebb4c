"""Every read of reports, scoped to the asking person. Decryption happens here, on request."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vangnet.core import anonymity, crypto
from vangnet.organisations.public import Actor, active_memberships_in, memberships_in

from .conflicts import excluded_membership_ids
from .models import (
    Attachment,
    CallbackRequest,
    CallbackSlot,
    DialogueQuestion,
    KeyInvitation,
    Message,
    OrganisationRecoveryKey,
    RecipientTally,
    RecipientUnavailability,
    RecoveryRequest,
    Report,
    ReportGrant,
    ReportingRoute,
    ReportRecipient,
    UserKeyPair,
)
from .permissions import (
    RECIPIENT_ROLES,
    can_approve_recovery,
    can_carry_out_recovery,
    can_configure_route,
    can_hold_keys,
    can_manage_recovery_key,
    has_left_recipients,
)
from .route import route_in_force
from .sealing import PARTS, ReporterAccess, box_private_key, report_key_for_recipient

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Unit


def reports_for_actor(*, actor: Actor) -> QuerySet[Report]:
    """Reports the actor holds the key for (as recipient) or has an active grant on."""
    as_recipient = ReportRecipient.objects.filter(
        report=OuterRef("pk"), membership_id=actor.membership_id, revoked_at__isnull=True
    )
    as_grantee = ReportGrant.objects.filter(
        report=OuterRef("pk"), membership_id=actor.membership_id, revoked_at__isnull=True
    )
    return (
        Report.objects.filter(organisation_id=actor.organisation_id)
        .filter(Q(Exists(as_recipient)) | Q(Exists(as_grantee)))
        .select_related("unit")
        .order_by("-created_at")
    )


def inbox_reports_for(*, actor: Actor, limit: int = 200) -> list[Report]:
    """The newest `limit` reports of `reports_for_actor`, as two queries merged in Python.

    One query with `EXISTS … OR EXISTS …` made PostgreSQL hash every report the person ever
    received before it could take the newest 200 (0.8 ms at 1,000 reports, 64 ms at 100,000).
    Each half on its own walks the (organisation, created_at) index backwards and probes the
    unique (report, membership) index per row, so it stops after `limit` rows at any size
    (docs/adr/0095)."""
    base = (Report.objects.filter(organisation_id=actor.organisation_id)
            .select_related("unit").order_by("-created_at", "-id"))
    merged = {report.pk: report for report in [
        *base.filter(report_recipient_q(actor.membership_id, report_field="pk"))[:limit],
        *base.filter(report_grant_q(actor.membership_id, report_field="pk"))[:limit],
    ]}
    return sorted(merged.values(), key=lambda r: (r.created_at, r.pk), reverse=True)[:limit]


def report_get_for_actor(*, actor: Actor, pk: int) -> Report:
    """404 unless the actor is a current recipient or has an active grant (and is not excluded)."""
    report = reports_for_actor(actor=actor).select_related("organisation").filter(pk=pk).first()
    if report is None or actor.membership_id in excluded_membership_ids(report):
        raise Http404
    return report


def is_recipient(*, actor: Actor, report: Report) -> bool:
    return ReportRecipient.objects.filter(
        report=report, membership_id=actor.membership_id, revoked_at__isnull=True
    ).exists()


def report_recipients_for(*, actor: Actor, report: Report) -> list[ReportRecipient]:
    """The current recipients of a report the actor may open (report_get_for_actor first), with
    their user and roles loaded: names for the page, roles for the removal rule."""
    if report.organisation_id != actor.organisation_id:
        raise Http404
    return list(report.recipients.filter(revoked_at__isnull=True)
                .select_related("membership__user").prefetch_related("membership__roles"))


def _report_key(actor: Actor, report: Report, private_key: bytes) -> bytes:
    try:
        return report_key_for_recipient(report=report, membership_id=actor.membership_id,
                                        private_key=private_key)
    except crypto.DecryptionError as error:
        raise Http404 from error


def report_contents_for(*, actor: Actor, report: Report, private_key: bytes) -> dict[str, str]:
    """The decrypted parts; for a grant-holder only the granted parts (others are absent)."""
    if is_recipient(actor=actor, report=report):
        key = _report_key(actor, report, private_key)
        data = json.loads(crypto.secret_decrypt(key, bytes(report.content_ciphertext)))
        return {part: data.get(part, "") for part in PARTS}
    contents: dict[str, str] = {}
    grants = ReportGrant.objects.filter(report=report, membership_id=actor.membership_id,
                                        revoked_at__isnull=True, sealed_key__isnull=False)
    for grant in grants.order_by("created_at"):
        try:
            grant_key = crypto.unseal(private_key, bytes(grant.sealed_key or b""))
            data = json.loads(crypto.secret_decrypt(grant_key, bytes(grant.ciphertext)))
        except crypto.DecryptionError:
            continue
        contents.update(data.get("parts", {}))
    if not contents and not grants.exists():
        raise Http404
    return contents


@dataclass(frozen=True)
class MessageView:
    message: Message
    body: str
    author_kind: str
    created_at: datetime
    question: DialogueQuestion | None
    attachments: list[AttachmentView]


@dataclass(frozen=True)
class AttachmentView:
    attachment: Attachment
    name: str
    content_type: str
    metadata_removed: bool


def _open(box_private: bytes, sealed: bytes) -> bytes:
    try:
        return crypto.unseal(box_private, sealed)
    except crypto.DecryptionError:
        return b""


def _attachment_views(box_private: bytes, attachments: list[Attachment]) -> list[AttachmentView]:
    views = []
    for attachment in attachments:
        meta = json.loads(_open(box_private, bytes(attachment.meta_ciphertext)) or b"{}")
        views.append(AttachmentView(attachment, meta.get("name", "bijlage"),
                                    meta.get("content_type", "application/octet-stream"),
                                    bool(meta.get("metadata_removed"))))
    return views


def _messages(report: Report, box_private: bytes) -> list[MessageView]:
    messages = list(
        Message.objects.filter(report=report).prefetch_related("questions", "attachments")
    )
    views = []
    for message in messages:
        questions = list(message.questions.all())
        views.append(MessageView(
            message=message, body=_open(box_private, bytes(message.ciphertext)).decode(),
            author_kind=message.author_kind, created_at=message.created_at,
            question=questions[0] if questions else None,
            attachments=_attachment_views(box_private, list(message.attachments.all())),
        ))
    return views


def report_messages_for(*, actor: Actor, report: Report, private_key: bytes) -> list[MessageView]:
    """The dialogue, for a full recipient only (grant holders see the shared parts, not the talk)."""
    if not is_recipient(actor=actor, report=report):
        raise Http404
    key = _report_key(actor, report, private_key)
    return _messages(report, box_private_key(report=report, report_key=key))


def report_attachments_for(*, actor: Actor, report: Report, private_key: bytes) -> list[AttachmentView]:
    """Files sent with the report itself (not with a message)."""
    if not is_recipient(actor=actor, report=report):
        return []
    key = _report_key(actor, report, private_key)
    return _attachment_views(box_private_key(report=report, report_key=key),
                             list(Attachment.objects.filter(report=report, message__isnull=True)))


def attachment_data_for(*, actor: Actor | None, report: Report, pk: int, private_key: bytes | None = None,
                        access: ReporterAccess | None = None) -> tuple[AttachmentView, bytes]:
    """Decrypt one attachment for a recipient (actor + private key) or the reporter (access)."""
    if access is not None:
        if access.report.pk != report.pk:
            raise Http404
        key = access.report_key
    elif actor is not None and private_key is not None:
        if not is_recipient(actor=actor, report=report):
            raise Http404
        key = _report_key(actor, report, private_key)
    else:
        raise Http404
    attachment = Attachment.objects.filter(report=report, pk=pk).first()
    if attachment is None:
        raise Http404
    box_private = box_private_key(report=report, report_key=key)
    with attachment.file.open("rb") as handle:
        data = _open(box_private, handle.read())
    return _attachment_views(box_private, [attachment])[0], data


# --- Reporter --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReporterView:
    report: Report
    contents: dict[str, str]
    messages: list[MessageView]
    open_questions: list[DialogueQuestion]
    attachments: list[AttachmentView]
    recipients: list[str]
    consents: list[MessageView] = field(default_factory=list)  # consent questions answered "yes"


def reporter_view(*, access: ReporterAccess) -> ReporterView:
    report = access.report
    contents = json.loads(crypto.secret_decrypt(access.report_key, bytes(report.content_ciphertext)))
    box_private = box_private_key(report=report, report_key=access.report_key)
    messages = _messages(report, box_private)
    open_questions = [m.question for m in messages if m.question and not m.question.answered_at]
    recipients = [
        r.membership.user.full_name or r.membership.user.email
        for r in ReportRecipient.objects.filter(report=report, revoked_at__isnull=True)
        .select_related("membership__user")
    ]
    attachments = _attachment_views(
        box_private, list(Attachment.objects.filter(report=report, message__isnull=True))
    )
    # Consents the reporter gave and can still withdraw here (issue 12); a consent whose parts were
    # shared already is withdrawn with the question asked after sharing (an open question).
    followed_up = {m.question.ref.replace(".withdraw:", ".consent:") for m in messages
                   if m.question and ".withdraw:" in (m.question.ref or "")}
    consents = [m for m in messages if m.question and m.question.kind == "consent"
                and m.question.answer == "yes" and m.question.ref not in followed_up]
    return ReporterView(report, {p: contents.get(p, "") for p in PARTS}, messages,
                        [q for q in open_questions if q is not None], attachments, recipients,
                        consents)


def question_get_for_reporter(*, access: ReporterAccess, pk: int) -> DialogueQuestion:
    question = DialogueQuestion.objects.select_related("report").filter(
        report=access.report, pk=pk
    ).first()
    if question is None:
        raise Http404
    return question


def unread_counts(*, actor: Actor, report_ids: list[int]) -> dict[int, int]:
    """Messages from reporters per report (for the inbox), one query."""
    rows = (
        Message.objects.filter(report_id__in=report_ids, author_kind=Message.AuthorKind.REPORTER)
        .values("report_id").annotate(n=Count("pk"))
    )
    return {row["report_id"]: row["n"] for row in rows}


# --- Who holds which report (the coordinator's recipients page) ---------------------------


@dataclass(frozen=True)
class RecipientHolding:
    """How many reports one person receives, and how many depend on them. Counts only."""

    membership: Membership
    reports: int
    alone: int  # nobody else who is still active holds the key: a successor is needed
    stuck: int  # nobody else holds the key and there is no recovery copy: cannot be removed
    has_left: bool

    @property
    def can_remove_everywhere(self) -> bool:
        return self.has_left and self.reports > 0 and self.stuck == 0

    # What the page shows. For someone who still works here the coordinator needs no exact small
    # number (it would hint at who turned to whom): 1 to k-1 read "< k". For someone who left the
    # exact numbers are the work to do (give them to a successor), so they are shown as they are.
    @property
    def reports_shown(self) -> str:
        return self._shown(self.reports)

    @property
    def alone_shown(self) -> str:
        return self._shown(self.alone)

    def _shown(self, count: int) -> str:
        if self.has_left or count == 0 or count >= anonymity.threshold():
            return str(count)
        return anonymity.suppressed_label()


@dataclass(frozen=True)
class RecipientOverview:
    holdings: list[RecipientHolding]
    unreadable: int  # reports that no active recipient can open right now
    unreadable_recoverable: int  # ... of which the organisation recovery key has a copy


def recipient_holdings(*, actor: Actor, membership: Membership | None = None) -> RecipientOverview:
    """For the coordinator (ADR 0031): per person the number of reports they receive, how many
    rest on them alone, and how many reports nobody active can open. Counts only, no content.

    Read from the running totals (`RecipientTally`, docs/adr/0095): a few rows whatever the
    number of reports. `holdings.refresh` keeps them equal to what `holdings.recipient_rows` (the
    query `services.reports_remove_recipient` decides on) would count; tests compare both."""
    if not can_manage_recovery_key(actor):
        raise PermissionDenied
    organisation_id = actor.organisation_id
    tallies = RecipientTally.objects.filter(organisation_id=organisation_id)
    if membership is not None:
        tallies = tallies.filter(Q(membership_id=membership.pk) | Q(membership_id__isnull=True))
    counts: dict[int, dict[str, int]] = {}
    organisation_row = None
    for tally in tallies:
        if tally.membership_id is None:
            organisation_row = tally
        elif tally.reports:
            counts[tally.membership_id] = {"reports": tally.reports, "alone": tally.alone,
                                           "stuck": tally.stuck}
    people = memberships_in(organisation_id=organisation_id).filter(pk__in=list(counts))
    holdings = [
        RecipientHolding(
            membership=person, has_left=has_left_recipients(is_active=person.is_active,
                                                            roles=person.role_set),
            **counts[person.pk],
        )
        for person in people.select_related("user").prefetch_related("roles")
    ]
    return RecipientOverview(
        holdings=holdings,
        unreadable=organisation_row.unreadable if organisation_row else 0,
        unreadable_recoverable=organisation_row.recoverable if organisation_row else 0)


# --- The route settings (coordinator) ---------------------------------------------------------


@dataclass(frozen=True)
class RouteSettings:
    own: ReportingRoute | None  # the route stored for exactly this unit (or the organisation)
    in_force: ReportingRoute | None  # what people see now: `own`, or the route above it
    units_with_own_route: set[int]


def route_settings_for(*, actor: Actor, unit: Unit | None) -> RouteSettings:
    """The route a coordinator edits for `unit` (None: the whole organisation)."""
    if not can_configure_route(actor):
        raise PermissionDenied
    routes = list(ReportingRoute.objects.filter(organisation_id=actor.organisation_id))
    own = next((r for r in routes if r.unit_id == (unit.pk if unit else None)), None)
    in_force = own or route_in_force(routes, organisation_id=actor.organisation_id, unit=unit)
    return RouteSettings(own=own, in_force=in_force,
                         units_with_own_route={r.unit_id for r in routes if r.unit_id is not None})


# --- Recovery requests and declared unavailability (ADR 0031) -------------------------------


def recovery_requests_for(*, actor: Actor) -> QuerySet[RecoveryRequest]:
    """Requests of the actor's organisation, for people who may read cases (any of them may be
    the second person). Names and counts only, never a report."""
    if not can_hold_keys(actor):
        raise PermissionDenied
    return (RecoveryRequest.objects.filter(organisation_id=actor.organisation_id)
            .select_related("successor__user", "requested_by__user", "decided_by__user"))


def recovery_request_get_for_actor(*, actor: Actor, pk: int) -> RecoveryRequest:
    request = recovery_requests_for(actor=actor).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


@dataclass(frozen=True)
class RecoveryRequestView:
    request: RecoveryRequest
    is_open: bool
    can_decide: bool
    can_carry_out: bool


def recovery_request_view(*, actor: Actor, request: RecoveryRequest) -> RecoveryRequestView:
    is_open = request.expires_at > timezone.now() and request.status in (
        RecoveryRequest.Status.PENDING, RecoveryRequest.Status.APPROVED)
    return RecoveryRequestView(
        request=request, is_open=is_open,
        can_decide=is_open and request.status == RecoveryRequest.Status.PENDING
        and can_approve_recovery(actor, requested_by_id=request.requested_by_id,
                                 successor_id=request.successor_id),
        can_carry_out=is_open and request.status == RecoveryRequest.Status.APPROVED
        and can_carry_out_recovery(actor, requested_by_id=request.requested_by_id,
                                   successor_id=request.successor_id),
    )


def unavailabilities_for(*, actor: Actor) -> QuerySet[RecipientUnavailability]:
    """Open declarations: all of them for the coordinator, one's own for anyone else."""
    rows = RecipientUnavailability.objects.filter(
        organisation_id=actor.organisation_id, ended_at__isnull=True
    ).select_related("membership__user", "declared_by__user")
    if can_manage_recovery_key(actor):
        return rows
    return rows.filter(membership_id=actor.membership_id)


def unavailability_get_for_actor(*, actor: Actor, pk: int) -> RecipientUnavailability:
    declaration = unavailabilities_for(actor=actor).filter(pk=pk).first()
    if declaration is None:
        raise Http404
    return declaration


def people_who_receive_reports(*, actor: Actor) -> QuerySet[Membership]:
    """Active members with a role that receives reports (the coordinator's choices)."""
    if not can_manage_recovery_key(actor):
        raise PermissionDenied

    return (active_memberships_in(organisation_id=actor.organisation_id)
            .filter(roles__role__in=list(RECIPIENT_ROLES))
            .exclude(pk=actor.membership_id).select_related("user").prefetch_related("roles")
            .distinct().order_by("user__full_name", "user__email"))


def recovery_key_current(*, actor: Actor) -> OrganisationRecoveryKey | None:
    """The organisation's recovery key in use (public half only), or None."""
    return OrganisationRecoveryKey.objects.filter(organisation_id=actor.organisation_id,
                                                  retired_at__isnull=True).first()


# --- For cases (through reporting.public, ADR 0060) -------------------------------------------
# Cases lists and files its work by report; who may open a report is reporting's to say. These
# reads give cases ids and query fragments, never the rows that hold keys or content.


def report_recipient_q(membership_id: int, *, report_field: str = "report_id") -> Q:
    """Rows whose report (`report_field`) this membership currently receives. On its own (not
    OR-ed), PostgreSQL probes the unique (report, membership) index per row instead of hashing
    every report the person ever received: a first page stays as cheap at 100,000 as at 1,000."""
    return Q(Exists(ReportRecipient.objects.filter(
        report_id=OuterRef(report_field), membership_id=membership_id, revoked_at__isnull=True)))


def report_grant_q(membership_id: int, *, report_field: str = "report_id") -> Q:
    """Rows whose report this membership holds an active grant for."""
    return Q(Exists(ReportGrant.objects.filter(
        report_id=OuterRef(report_field), membership_id=membership_id, revoked_at__isnull=True)))


def report_recipient_ids(report_id: int) -> frozenset[int]:
    return frozenset(ReportRecipient.objects.filter(
        report_id=report_id, revoked_at__isnull=True).values_list("membership_id", flat=True))


def report_grant_holder_ids(report_id: int) -> frozenset[int]:
    return frozenset(ReportGrant.objects.filter(
        report_id=report_id, revoked_at__isnull=True).values_list("membership_id", flat=True))


def report_recipients_by_report(report_ids: Iterable[int]) -> dict[int, set[int]]:
    result: dict[int, set[int]] = {}
    rows = ReportRecipient.objects.filter(report_id__in=list(report_ids), revoked_at__isnull=True)
    for report_id, membership_id in rows.values_list("report_id", "membership_id"):
        result.setdefault(report_id, set()).add(membership_id)
    return result


def report_recipient_user_ids(report_ids: Iterable[int]) -> dict[int, list[int]]:
    """User ids of the current, active recipients per report (for content-free reminders, which
    the worker addresses by user id: ADR 0051)."""
    result: dict[int, list[int]] = {}
    rows = ReportRecipient.objects.filter(
        report_id__in=list(report_ids), revoked_at__isnull=True, membership__is_active=True
    ).values_list("report_id", "membership__user_id")
    for report_id, user_id in rows:
        result.setdefault(report_id, []).append(user_id)
    return result


def public_key_of_user(user_id: int) -> bytes | None:
    """A person's public key (not secret), or None when they have no key pair yet."""
    pair = UserKeyPair.objects.filter(user_id=user_id).only("public_key").first()
    return bytes(pair.public_key) if pair is not None else None


def public_keys_of_memberships(*, organisation_id: int,
                               membership_ids: Iterable[int]) -> dict[int, bytes]:
    """Public keys by membership id, for the members of one organisation that have a key pair."""
    users = dict(memberships_in(organisation_id=organisation_id).filter(
        pk__in=list(membership_ids)).values_list("user_id", "pk"))
    return {users[user_id]: bytes(key) for user_id, key in UserKeyPair.objects.filter(
        user_id__in=list(users)).values_list("user_id", "public_key")}


def active_grant_get(grant_id: int) -> ReportGrant | None:
    """A grant that still gives access, with its report; None once it ended or never existed."""
    return ReportGrant.objects.select_related("report").filter(
        pk=grant_id, revoked_at__isnull=True).first()


def reports_of_organisation(organisation_id: int) -> QuerySet[Report]:
    return Report.objects.filter(organisation_id=organisation_id)


# --- "Talk first": call-back requests and time slots (issue 12) ------------------------------


@dataclass(frozen=True)
class CallbackView:
    callback: CallbackRequest
    how_to_reach: str
    when: str
    name: str
    slot_starts_at: datetime | None


def callbacks_for(*, actor: Actor, private_key: bytes) -> list[CallbackView]:
    """The actor's own call-back requests, open ones first, decrypted with their key. Two queries."""
    rows = (CallbackRequest.objects.filter(organisation_id=actor.organisation_id,
                                           recipient_id=actor.membership_id)
            .select_related("slot").order_by(F("handled_on").desc(nulls_first=True), "-requested_on")[:200])
    views = []
    for callback in rows:
        try:
            key = crypto.unseal(private_key, bytes(callback.sealed_key))
            content = json.loads(crypto.secret_decrypt(key, bytes(callback.content_ciphertext)))
        except crypto.DecryptionError:
            continue
        views.append(CallbackView(callback, str(content.get("how_to_reach", "")),
                                  str(content.get("when", "")), str(content.get("name", "")),
                                  callback.slot.starts_at if callback.slot else None))
    return views


def callbacks_open_count(*, actor: Actor) -> int:
    """How many of the actor's own call-back requests still wait (a count: nothing decrypted),
    for the external advisor's overview across clients. One query."""
    return CallbackRequest.objects.filter(organisation_id=actor.organisation_id,
                                          recipient_id=actor.membership_id,
                                          handled_on__isnull=True).count()


def callback_get_for_actor(*, actor: Actor, pk: int) -> CallbackRequest:
    callback = CallbackRequest.objects.filter(pk=pk, organisation_id=actor.organisation_id,
                                              recipient_id=actor.membership_id).first()
    if callback is None:
        raise Http404
    return callback


def free_slots(*, organisation_id: int, advisor_id: int | None = None) -> QuerySet[CallbackSlot]:
    """Future slots nobody took yet (public: time and advisor only)."""
    slots = CallbackSlot.objects.filter(organisation_id=organisation_id, starts_at__gt=timezone.now(),
                                        request__isnull=True)
    if advisor_id is not None:
        slots = slots.filter(advisor_id=advisor_id)
    return slots.select_related("advisor__user").order_by("starts_at")


def own_slots(*, actor: Actor) -> QuerySet[CallbackSlot]:
    return (CallbackSlot.objects.filter(organisation_id=actor.organisation_id, advisor_id=actor.membership_id,
                                        starts_at__gt=timezone.now())
            .select_related("request").order_by("starts_at"))


def slot_get_for_actor(*, actor: Actor, pk: int) -> CallbackSlot:
    slot = CallbackSlot.objects.filter(pk=pk, organisation_id=actor.organisation_id,
                                       advisor_id=actor.membership_id).first()
    if slot is None:
        raise Http404
    return slot


def may_hold_keys(actor: Actor) -> bool:
    """Case-reading roles hold keys; so does someone else (a manager) while a recipient has
    asked them to set one up for a share (ADR 0075) or while they hold an active share."""
    if can_hold_keys(actor):
        return True
    now = timezone.now()
    return (KeyInvitation.objects.filter(membership_id=actor.membership_id, expires_at__gt=now)
            .exists()
            or ReportGrant.objects.filter(membership_id=actor.membership_id,
                                          revoked_at__isnull=True).exists())


def key_invited_membership_ids(membership_ids: Iterable[int]) -> frozenset[int]:
    """Of these people, those with an open invitation to set up their key."""
    return frozenset(KeyInvitation.objects.filter(
        membership_id__in=list(membership_ids), expires_at__gt=timezone.now(),
    ).values_list("membership_id", flat=True))
