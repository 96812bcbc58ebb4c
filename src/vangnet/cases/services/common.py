"""What every cases service shares: settings and terms, the timeline helper (writes and their
audit entries go through core.service.service_write).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from vangnet.organisations.public import Actor

from .. import deadlines
from ..models import (
    Case,
    CaseEvent,
    CaseSettings,
)

if TYPE_CHECKING:
    pass

REF_APP = "cases"  # the app part of the refs of the questions cases asks (QuestionRef)
MIN_JUSTIFICATION = 30


def _event(case: Case, kind: str, *, actor: Actor | None = None, summary: str = "",
           from_state: str = "", to_state: str = "", at: datetime | None = None) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, actor_id=actor.membership_id if actor else None,
        summary=summary[:300], from_state=from_state, to_state=to_state,
        created_at=at or timezone.now(),
    )


def settings_for(organisation_id: int) -> CaseSettings:
    found = CaseSettings.objects.filter(organisation_id=organisation_id).first()
    return found or CaseSettings(organisation_id=organisation_id)


def _terms(case_settings: CaseSettings) -> deadlines.Terms:
    return deadlines.Terms(acknowledge_days=case_settings.acknowledge_within_days,
                           feedback_months=case_settings.feedback_within_months)



def _locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("report").get(pk=case.pk)
