"""The report page's "Open the case" (ADR 0104): registered with reporting in CasesConfig.ready,
so reporting shows the link without importing cases."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from vangnet.organisations.public import Actor

from . import integration, permissions
from .models import Case
from .selectors import access_for


def case_link_for_report(actor: Actor, report: Any) -> integration.ReportLink | None:
    """A link to the report's case for someone who may open that case, else None (never a link
    to a page that answers 404). One query for the case, three for who may see it."""
    case = (Case.objects.filter(organisation_id=actor.organisation_id, report_id=report.pk)
            .select_related("report").only("pk", "organisation_id", "reference", "report")
            .first())
    if case is None or not permissions.can_view_case(actor, access_for(case)):
        return None
    return integration.ReportLink(
        label=_("Open the case %(reference)s") % {"reference": case.reference},
        url=reverse("cases:detail", args=[actor.organisation_slug, case.pk]))
