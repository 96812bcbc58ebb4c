"""Cases services: advice. Part of the package `cases.services` (see its __init__)."""


from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.organisations.public import Actor

from .. import permissions
from ..models import (
    AdviceContact,
)
from ..workflow import Outcome

if TYPE_CHECKING:
    pass

from .common import _audit, _require

# --- advice-only contacts, lessons, actions -------------------------------------------------


def advice_contact_record(*, actor: Actor, contact_date: date, category: str, channel: str,
                          route_step: str = "", outcome: str = Outcome.ADVICE) -> AdviceContact:
    """A conversation that does not become a case, counted in the statistics. No names."""
    _require(permissions.can_record_advice_contact(actor))
    if contact_date > timezone.localdate():
        raise ValidationError({"contact_date": _("The date cannot be in the future.")})
    with transaction.atomic():
        contact = AdviceContact(
            organisation_id=actor.organisation_id, advisor_id=actor.membership_id,
            contact_date=contact_date, category=category, channel=channel,
            route_step=route_step, outcome=outcome,
        )
        contact.full_clean()
        contact.save()
        _audit("advice_contact", actor=actor, target=contact, organisation_id=actor.organisation_id)
    return contact
