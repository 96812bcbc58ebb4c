"""Lessons learned and the actions they lead to (into the quickscan's action plan when installed).
"""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core.service import require, service_write
from vangnet.organisations.public import Actor
from vangnet.quickscan import public as quickscan

from .. import permissions
from ..models import (
    Case,
    CaseEvent,
    Lesson,
    LessonAction,
)
from ..selectors import access_for
from .common import _event


def lesson_record(*, actor: Actor, case: Case, text: str) -> Lesson:
    require(permissions.can_manage_case(actor, access_for(case)))
    text = text.strip()
    if len(text) < 10:
        raise ValidationError({"text": _("Describe the lesson in a sentence or two.")})
    with service_write(action="cases.lesson", actor=actor,
                       organisation_id=case.organisation_id) as change:
        lesson = Lesson.objects.create(organisation_id=case.organisation_id, case=case, text=text,
                                       theme=case.category, created_by_id=actor.membership_id,
                                       created_at=timezone.now())
        _event(case, CaseEvent.Kind.LESSON, actor=actor)
        change.target, change.data = case, {"lesson": lesson.pk}
    return lesson


def lesson_action_create(*, actor: Actor, lesson: Lesson, title: str, owner: str = "",
                         due_date: date | None = None) -> LessonAction:
    """Turn a lesson into an action: in the quickscan's action plan when that app is installed
    (linked back here), otherwise in this app's own simple list."""
    require(permissions.can_turn_lesson_into_action(actor))
    if lesson.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if not title.strip():
        raise ValidationError({"title": _("Give the action a name.")})
    with service_write(action="cases.lesson_action", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        action = LessonAction.objects.create(
            organisation_id=actor.organisation_id, lesson=lesson, title=title.strip()[:200],
            owner=owner.strip()[:150], due_date=due_date, created_by_id=actor.membership_id,
        )
        action.quickscan_action_id = _quickscan_action(actor, action)
        if action.quickscan_action_id:
            action.save(update_fields=["quickscan_action_id"])
        change.target, change.data = action, {"lesson": lesson.pk}
    return action


def _quickscan_action(actor: Actor, action: LessonAction) -> int | None:
    """Put the action in the quickscan's action plan when that app is installed and the actor may
    manage it there; the cases row keeps the link (same transaction)."""
    if not apps.is_installed("vangnet.quickscan"):
        return None
    if not quickscan.can_manage_actions(actor):
        return None
    description = action.lesson.text
    if action.owner:
        description += "\n\n" + _("Who takes it on: %(owner)s") % {"owner": action.owner}
    created = quickscan.action_create(actor=actor, title=action.title, description=description,
                                      due_date=action.due_date)
    return created.pk


def lesson_action_status(*, actor: Actor, action: LessonAction, status: str) -> LessonAction:
    require(permissions.can_turn_lesson_into_action(actor))
    if action.organisation_id != actor.organisation_id or status not in LessonAction.Status.values:
        raise PermissionDenied
    with service_write(action="cases.lesson_action_status", actor=actor, target=action,
                       organisation_id=actor.organisation_id) as change:
        action.status = status
        action.save(update_fields=["status"])
        change.data = {"status": status}
    return action
