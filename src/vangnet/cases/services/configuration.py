"""The organisation's case settings: terms and retention (coordinator).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vangnet.core.service import require, service_write
from vangnet.organisations.public import Actor

from .. import deadlines, permissions
from ..models import (
    CaseSettings,
)
from .common import settings_for


def case_settings_update(*, actor: Actor, acknowledge_within_days: int,
                         feedback_within_months: int, checkin_months: list[int],
                         retain_case_contents_months: int, retain_notes_months: int,
                         retain_advice_contacts_months: int) -> CaseSettings:
    require(permissions.can_configure_cases(actor))
    deadlines.validate_terms(acknowledge_days=acknowledge_within_days,
                             feedback_months=feedback_within_months)
    months = sorted({int(m) for m in checkin_months})
    if not months or any(m < 1 or m > 36 for m in months):
        raise ValidationError({"checkin_months": _("Give one to five moments between 1 and 36 "
                                                   "months, for example 3, 6, 12.")})
    with service_write(action="cases.settings_update", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        found = settings_for(actor.organisation_id)
        found.acknowledge_within_days = acknowledge_within_days
        found.feedback_within_months = feedback_within_months
        found.checkin_months = months[:5]
        found.retain_case_contents_months = retain_case_contents_months
        found.retain_notes_months = retain_notes_months
        found.retain_advice_contacts_months = retain_advice_contacts_months
        found.full_clean()
        found.save()
        change.target = found
        change.data = {"acknowledge_days": acknowledge_within_days,
                       "feedback_months": feedback_within_months, "checkins": months}
    return found
