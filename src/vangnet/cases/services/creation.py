"""A case opens for every report (the ReportSubmitted event), with its legal deadlines.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.utils import timezone

from vangnet.core.service import service_write

from .. import deadlines
from ..integration import ordered_categories
from ..models import (
    Case,
    CaseCategory,
    CaseEvent,
)
from ..patterns import unit_pattern_check
from ..workflow import State
from .common import _event, _terms, settings_for

if TYPE_CHECKING:
    from datetime import datetime

    from vangnet.reporting.models import Report


def _new_reference(organisation_id: int, year: int) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(5))
        reference = f"{year}-{code}"
        if not Case.objects.filter(organisation_id=organisation_id, reference=reference).exists():
            return reference


def case_create_for_report(report: Report) -> Case:
    """Every report becomes a case. Called inside reporting's submit transaction."""
    existing = Case.objects.filter(report_id=report.pk).first()
    if existing is not None:
        return existing
    received = report.created_at or timezone.now()
    terms = _terms(settings_for(report.organisation_id))
    # Count first, audit last (when the block ends): the audit entry locks the organisation's
    # chain until commit.
    with service_write(action="cases.create", actor=None,
                       organisation_id=report.organisation_id) as change:
        case = _create(report, received, terms)
        change.target, change.data = case, {"report": report.pk}
    return case


def _create(report: Report, received: datetime, terms: deadlines.Terms) -> Case:
    case = Case.objects.create(
        organisation_id=report.organisation_id, report=report,
        reference=_new_reference(report.organisation_id, received.year),
        category=report.category, unit_id=report.unit_id, route_step=report.route_step or "",
        channel=report.channel or "", mode=report.mode or "",
        is_whistleblowing=bool(report.is_whistleblowing), received_at=received,
        acknowledge_due_at=deadlines.acknowledge_due(received, terms),
        feedback_due_at=deadlines.feedback_due(received, None, terms),
    )
    CaseCategory.objects.bulk_create([
        CaseCategory(case=case, category=value)
        for value in ordered_categories(list(report.categories or []), primary=report.category)])
    _event(case, CaseEvent.Kind.CREATED, to_state=State.RECEIVED, at=received)
    unit_pattern_check(case=case)
    return case
