"""The organisation's pattern key and person marks (ADR 0045): repeated reports about one
person are noticed without a name being stored.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from vangnet.core import crypto
from vangnet.organisations.public import Actor, Role, members_with_role

from .. import integration, permissions
from ..models import (
    Case,
    CaseEvent,
    PatternKey,
    PersonMark,
)
from ..patterns import person_pattern_check
from ..selectors import access_for

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership

from vangnet.core.service import require, service_write

from .common import _event


def _advisor_ids(organisation_id: int) -> list[int]:
    return list(members_with_role(organisation_id=organisation_id,
                                  role=Role.ADVISOR).values_list("pk", flat=True))


def pattern_key_open(*, actor: Actor, private_key: bytes, create: bool = True) -> bytes | None:
    """The organisation's pattern key for this advisor. Made on first use and sealed for every
    advisor with a key pair; an advisor who has it shares it with advisors who do not yet."""
    require(permissions.can_view_pattern_signals(actor))
    mine = PatternKey.objects.filter(organisation_id=actor.organisation_id,
                                     membership_id=actor.membership_id).first()
    if mine is not None:
        key = crypto.unseal(private_key, bytes(mine.sealed_key))
    elif PatternKey.objects.filter(organisation_id=actor.organisation_id).exists() or not create:
        return None  # another advisor must open it for me first (happens on their next visit)
    else:
        key = crypto.new_key()
    with service_write(action="cases.pattern_key_share", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        have = set(PatternKey.objects.filter(organisation_id=actor.organisation_id)
                   .values_list("membership_id", flat=True))
        wanted = set(_advisor_ids(actor.organisation_id)) | {actor.membership_id}
        public_keys = integration.public_keys_of_memberships(
            organisation_id=actor.organisation_id, membership_ids=wanted - have)
        PatternKey.objects.bulk_create(
            [PatternKey(organisation_id=actor.organisation_id, membership_id=member_id,
                        sealed_key=crypto.seal(public, key))
             for member_id, public in public_keys.items()],
            ignore_conflicts=True,
        )
        change.data = {"advisors": sorted(public_keys)}
        if not public_keys:
            change.nothing_changed()
    return key


def person_hash(pattern_key: bytes, membership_id: int) -> str:
    return hmac.new(pattern_key, f"membership:{membership_id}".encode(), hashlib.sha256).hexdigest()


def person_mark(*, actor: Actor, case: Case, person: Membership, private_key: bytes) -> PersonMark:
    """Record, as a keyed hash only, that this case concerns this person (for pattern signals)."""
    require(permissions.can_manage_case(actor, access_for(case)))
    require(permissions.can_view_pattern_signals(actor))
    if person.organisation_id != case.organisation_id:
        raise PermissionDenied
    key = pattern_key_open(actor=actor, private_key=private_key)
    if key is None:
        raise ValidationError(_("The pattern key has not been shared with you yet. It will be "
                                "as soon as another confidential advisor opens a case."))
    # Count first, audit last (when the block ends): the audit entry locks the organisation's
    # chain until commit.
    with service_write(action="cases.person_mark", actor=actor, target=case):
        mark, _created = PersonMark.objects.get_or_create(
            case=case, person_hash=person_hash(key, person.pk),
            defaults={"organisation_id": case.organisation_id, "created_at": case.received_at},
        )
        _event(case, CaseEvent.Kind.PERSON_MARK, actor=actor)
        person_pattern_check(mark=mark)
    return mark
