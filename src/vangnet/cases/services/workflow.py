"""Moving a case through its states (workflow.py), feedback to the reporter, conclusion.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core.service import require
from vangnet.organisations.public import Actor

from .. import deadlines, integration, permissions
from ..models import (
    Case,
    CaseEvent,
)
from ..selectors import access_for
from ..workflow import Outcome, State, find_transition, is_open, track_for
from .aftercare import _ask_satisfaction_and_tell_retention, _schedule_checkins
from .common import _audit, _event, _locked, _terms, settings_for


def case_transition(*, actor: Actor, case: Case, name: str, reason: str = "",
                    outcome: str = "", message: str = "",
                    private_key: bytes | None = None) -> Case:
    """Apply one transition from workflow.TRANSITIONS; append the status change to the timeline."""
    require(permissions.can_manage_case(actor, access_for(case)))
    reason = reason.strip()
    with transaction.atomic():
        case = _locked(case)
        transition = find_transition(case.state, name)
        if transition.requires_reason and len(reason) < 5:
            raise ValidationError({"reason": _("Please say briefly why (without names).")})
        if transition.requires_outcome and outcome not in Outcome.values:
            raise ValidationError({"outcome": _("Choose the outcome of the case.")})
        now = timezone.now()
        previous = case.state
        case.state = transition.target
        case.is_open = is_open(case.state)
        # The terms may have moved (acknowledged, reopened, closed): the hourly job plans again.
        case.next_reminder_at = now if case.is_open else None
        case.track = track_for(case.state, case.track)
        terms = _terms(settings_for(case.organisation_id))
        if transition.target == State.ACKNOWLEDGED:
            case.acknowledged_at = now
            case.feedback_due_at = deadlines.feedback_due(case.received_at, now, terms)
        if transition.requires_outcome:
            case.outcome = outcome
            case.concluded_at = now
        if transition.target == State.CLOSED:
            case_settings = settings_for(case.organisation_id)
            case.closed_at = now
            case.retain_until = deadlines.add_months(
                now, max(case_settings.retain_case_contents_months,
                         case_settings.retain_notes_months))
        if transition.name == "reopen":
            case.closed_at = None
            case.retain_until = None
            case.priority = Case.Priority.NORMAL
        case.save()
        _event(case, CaseEvent.Kind.STATUS, actor=actor, from_state=previous,
               to_state=case.state, summary=reason or outcome, at=now)
        _audit("transition", actor=actor, case=case,
               data={"from": previous, "to": case.state, "transition": name})
        if transition.target == State.ACKNOWLEDGED and case.report is not None:
            integration.message_post(
                report=case.report, actor=actor, kind="acknowledgement", private_key=private_key,
                body=message.strip() or _(
                    "We have received your report and will take care of it. We will let you know "
                    "how things stand within %(months)s months at the latest."
                ) % {"months": terms.feedback_months},
            )
        if transition.requires_outcome:
            _schedule_checkins(case, now)
        if transition.target == State.CLOSED and case.report is not None:
            _ask_satisfaction_and_tell_retention(actor, case, private_key)
    return case


def case_give_feedback(*, actor: Actor, case: Case, body: str,
                       private_key: bytes | None = None) -> Case:
    """Tell the reporter how things stand: this is what the three-month term asks for."""
    require(permissions.can_manage_case(actor, access_for(case)))
    body = body.strip()
    if len(body) < 10:
        raise ValidationError({"body": _("Write a short message to the reporter.")})
    with transaction.atomic():
        case = _locked(case)
        if case.report is None:
            raise ValidationError(_("The contents of this case have been destroyed."))
        integration.message_post(report=case.report, actor=actor, body=body, kind="feedback",
                                 private_key=private_key)
        if case.feedback_given_at is None:
            case.feedback_given_at = timezone.now()
            case.save(update_fields=["feedback_given_at", "updated_at"])
        _event(case, CaseEvent.Kind.FEEDBACK, actor=actor)
        _audit("feedback", actor=actor, case=case)
    return case
