""""Talk first" (issue 12): a call-back request instead of a report, and the time slots an advisor
offers for it. Encrypted like a report (a fresh key sealed to the recipient's public key and to the
organisation's recovery key); no address, user agent or receipt code; the day, not the time.

Every request counts as an advice contact (cases hears `CallbackRequested`, with ids, the day and
the category only)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core import crypto
from vangnet.core.events import publish
from vangnet.core.mail import queue_mail
from vangnet.core.service import service_write
from vangnet.organisations.public import Actor, memberships_in, user_ids_of_active_memberships

from ..categories import Category
from ..events import CallbackRequested
from ..models import CallbackRequest, CallbackSlot, OrganisationRecoveryKey
from ..permissions import can_receive_reports
from .common import _public_key_of_membership

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Organisation

CALLBACK_MAIL = "reporting/email/callback_requested"
MAX_CONTACT_LENGTH = 500
MAX_SLOTS_AHEAD = timedelta(days=90)


def _check_callback_recipient(organisation: Organisation,
                              member: Membership | None) -> tuple[Membership, bytes]:
    if (member is None or member.organisation_id != organisation.pk or not member.is_active
            or not can_receive_reports(member.role_set)):
        raise ValidationError({"recipient": _("Choose one of the people shown.")})
    public = _public_key_of_membership(member)
    if public is None:
        raise ValidationError({"recipient": _(
            "This person cannot receive reports yet. Choose someone else.")})
    return member, public


def callback_request(*, organisation: Organisation, recipient: Membership | None, how_to_reach: str,
                     when: str = "", name: str = "", category: str = Category.OVERIG,
                     slot: CallbackSlot | None = None) -> CallbackRequest:
    """Store a call-back request for one recipient (the chosen person, or the slot's advisor)."""
    how_to_reach, when, name = how_to_reach.strip(), when.strip(), name.strip()
    if not how_to_reach:
        raise ValidationError({"how_to_reach": _("Tell us how the advisor can reach you.")})
    if len(how_to_reach) > MAX_CONTACT_LENGTH or len(when) > MAX_CONTACT_LENGTH or len(name) > 300:
        raise ValidationError(_("Keep it short: at most 500 characters."))
    if category not in Category.values:
        raise ValidationError({"category": _("Choose what it is about.")})
    if slot is not None:
        recipient = memberships_in(organisation_id=organisation.pk).filter(pk=slot.advisor_id).first()
    member, public = _check_callback_recipient(organisation, recipient)
    key = crypto.new_key()
    recovery = OrganisationRecoveryKey.objects.filter(organisation=organisation,
                                                      retired_at__isnull=True).first()
    content = json.dumps({"how_to_reach": how_to_reach, "when": when, "name": name}).encode()
    today = timezone.localdate()
    with service_write(action="reporting.callback_request", actor=None, actor_label="reporter",
                       organisation_id=organisation.pk) as change:
        if slot is not None:
            locked = CallbackSlot.objects.select_for_update().filter(
                pk=slot.pk, organisation=organisation, starts_at__gt=timezone.now()).first()
            if locked is None or CallbackRequest.objects.filter(slot=locked).exists():
                raise ValidationError({"slot": _("This time was just taken. Choose another time.")})
        callback = CallbackRequest.objects.create(
            organisation=organisation, recipient=member, slot=slot, requested_on=today,
            sealed_key=crypto.seal(public, key), recovery_key=recovery,
            recovery_sealed_key=crypto.seal(bytes(recovery.public_key), key) if recovery else None,
            content_ciphertext=crypto.secret_encrypt(key, content),
        )
        change.target = callback
        change.data = {"recipient": member.pk, "slot": slot.pk if slot else None}
        publish(CallbackRequested(organisation_id=organisation.pk, advisor_id=member.pk,
                                  category=category, on=today))
        user_ids = user_ids_of_active_memberships({member.pk})
        callback_id = callback.pk
        if user_ids:
            transaction.on_commit(lambda: queue_mail(CALLBACK_MAIL, user_ids=user_ids,
                                                     callback_id=callback_id))
    return callback


def callback_handled(*, actor: Actor, callback: CallbackRequest) -> CallbackRequest:
    with service_write(action="reporting.callback_handled", actor=actor,
                       allowed=callback.recipient_id == actor.membership_id, target=callback) as change:
        if callback.handled_on is not None:
            change.nothing_changed()
            return callback
        callback.handled_on = timezone.localdate()
        callback.save(update_fields=["handled_on"])
    return callback


def callback_slot_add(*, actor: Actor, starts_at: datetime) -> CallbackSlot:
    member = memberships_in(organisation_id=actor.organisation_id).filter(pk=actor.membership_id).first()
    if member is None or not can_receive_reports(member.role_set):
        raise PermissionDenied
    now = timezone.now()
    if not now < starts_at <= now + MAX_SLOTS_AHEAD:
        raise ValidationError({"starts_at": _("Choose a time in the next 90 days.")})
    with service_write(action="reporting.callback_slot_add", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        slot = CallbackSlot.objects.create(organisation_id=actor.organisation_id,
                                           advisor_id=actor.membership_id, starts_at=starts_at)
        change.target = slot
    return slot


def callback_slot_remove(*, actor: Actor, slot: CallbackSlot) -> None:
    with service_write(action="reporting.callback_slot_remove", actor=actor,
                       allowed=slot.advisor_id == actor.membership_id, target=slot):
        slot.delete()
