"""Advice-only conversations: counted in the statistics, no names, no case.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core.service import require, service_write
from vangnet.organisations.public import Actor

from .. import permissions
from ..models import (
    AdviceContact,
)
from ..workflow import Outcome


def advice_contact_record(*, actor: Actor, contact_date: date, category: str, channel: str,
                          route_step: str = "", outcome: str = Outcome.ADVICE) -> AdviceContact:
    """A conversation that does not become a case, counted in the statistics. No names."""
    require(permissions.can_record_advice_contact(actor))
    if contact_date > timezone.localdate():
        raise ValidationError({"contact_date": _("The date cannot be in the future.")})
    with service_write(action="cases.advice_contact", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        contact = AdviceContact(
            organisation_id=actor.organisation_id, advisor_id=actor.membership_id,
            contact_date=contact_date, category=category, channel=channel,
            route_step=route_step, outcome=outcome,
        )
        contact.full_clean()
        contact.save()
        change.target = contact
    return contact


def advice_contact_for_callback(*, organisation_id: int, advisor_id: int, category: str,
                                on: date) -> AdviceContact:
    """A call-back request ("talk first", reporting) counts as an advice contact by phone on the
    day it was asked. No actor: the person asking has no account. Ids, day and category only."""
    with service_write(action="cases.advice_contact_callback", actor=None, actor_label="reporter",
                       organisation_id=organisation_id) as change:
        contact = AdviceContact(organisation_id=organisation_id, advisor_id=advisor_id,
                                contact_date=on, category=category,
                                channel=AdviceContact.Channel.PHONE, outcome=Outcome.ADVICE)
        contact.full_clean()
        contact.save()
        change.target = contact
    return contact
