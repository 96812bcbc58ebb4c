"""Who holds which report key, as one query: shared by the coordinator's overview (a selector)
and by the removal service, so that the page and the rule it shows cannot disagree."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from .models import ReportRecipient


def recipient_rows(
    *, organisation_id: int, membership_id: int | None = None
) -> Any:  # QuerySet[ReportRecipient] with the four annotations
    """Current recipient rows of the organisation's reports, each with: does this row hold the
    key, does someone else (active) hold it, does the organisation recovery key have a copy."""
    others = ReportRecipient.objects.filter(
        report_id=OuterRef("report_id"), revoked_at__isnull=True, sealed_key__isnull=False,
    ).exclude(membership_id=OuterRef("membership_id"))
    rows = ReportRecipient.objects.filter(
        report__organisation_id=organisation_id, revoked_at__isnull=True,
        membership__organisation_id=organisation_id,
    )
    if membership_id is not None:
        rows = rows.filter(membership_id=membership_id)
    return rows.annotate(
        has_key=ExpressionWrapper(Q(sealed_key__isnull=False), output_field=BooleanField()),
        other_active=Exists(others.filter(membership__is_active=True)),
        other=Exists(others),
        has_copy=ExpressionWrapper(Q(report__recovery_sealed_key__isnull=False),
                                   output_field=BooleanField()),
    )
