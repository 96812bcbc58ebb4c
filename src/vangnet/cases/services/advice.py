"""Advice-only conversations: counted in the statistics, no names, no case.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core.service import require, service_write
from vangnet.organisations.public import Actor, units_in

from .. import permissions
from ..models import (
    AdviceContact,
    Lesson,
)
from ..workflow import Outcome


def advice_contact_record(*, actor: Actor, contact_date: date, category: str, channel: str,
                          route_step: str = "", outcome: str = Outcome.ADVICE,
                          unit: int | None = None, lesson: str = "") -> AdviceContact:
    """A conversation that does not become a case, counted in the statistics. No names.

    `unit` (optional, an id of this organisation's units) feeds the unit signals, suppressed like
    reports; `lesson` (optional) becomes a lesson of the organisation, like a case's lesson: in
    the clear and without names, for the coordinators' list and the yearly report
    (docs/adr/0102)."""
    require(permissions.can_record_advice_contact(actor))
    if contact_date > timezone.localdate():
        raise ValidationError({"contact_date": _("The date cannot be in the future.")})
    if unit is not None and not units_in(organisation_id=actor.organisation_id).filter(
            pk=unit).exists():
        raise ValidationError({"unit": _("Choose one of the units shown.")})
    lesson = lesson.strip()
    if lesson and len(lesson) < 10:
        raise ValidationError({"lesson": _("Describe the lesson in a sentence or two.")})
    with service_write(action="cases.advice_contact", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        contact = AdviceContact(
            organisation_id=actor.organisation_id, advisor_id=actor.membership_id,
            contact_date=contact_date, category=category, channel=channel,
            route_step=route_step, outcome=outcome, unit_id=unit,
        )
        contact.full_clean()
        contact.save()
        learned = None
        if lesson:
            learned = Lesson.objects.create(
                organisation_id=actor.organisation_id, advice_contact=contact,
                text=lesson[:2000], theme=category, created_by_id=actor.membership_id,
                created_at=timezone.now())
        change.target = contact
        change.data = {"unit": unit, "lesson": learned.pk if learned else None}
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
