"""The coordinator's recipients overview as it was counted before the running totals (docs/adr/
0095): a grouped count over `holdings.recipient_rows` and a scan of reports without an active
key holder. The running totals must always equal it."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from vangnet.reporting.holdings import recipient_rows
from vangnet.reporting.models import RecipientTally, Report, ReportRecipient
from vangnet.reporting.permissions import removal_keeps_report_openable


def counted(organisation_id: int) -> dict[Any, tuple[int, ...]]:
    counts: dict[Any, list[int]] = {}
    grouped = (recipient_rows(organisation_id=organisation_id)
               .values("membership_id", "has_key", "other_active", "other", "has_copy")
               .annotate(n=Count("pk")).order_by())
    for row in grouped:
        count = counts.setdefault(row["membership_id"], [0, 0, 0])
        count[0] += row["n"]
        if row["has_key"] and not row["other_active"]:
            count[1] += row["n"]
            if not removal_keeps_report_openable(
                by_recipient=False, other_active_key_holders=False,
                other_key_holders=row["other"], has_recovery_copy=row["has_copy"],
            ):
                count[2] += row["n"]
    readers = ReportRecipient.objects.filter(
        report_id=OuterRef("pk"), revoked_at__isnull=True, sealed_key__isnull=False,
        membership__is_active=True)
    totals = Report.objects.filter(organisation_id=organisation_id).exclude(
        Exists(readers)).aggregate(total=Count("pk"),
                                   recoverable=Count("pk", filter=Q(recovery_sealed_key__isnull=False)))
    result: dict[Any, tuple[int, ...]] = {m: tuple(v) for m, v in counts.items()}
    result["organisation"] = (totals["total"] or 0, totals["recoverable"] or 0)
    return result


def tallied(organisation_id: int) -> dict[Any, tuple[int, ...]]:
    result: dict[Any, tuple[int, ...]] = {"organisation": (0, 0)}
    for t in RecipientTally.objects.filter(organisation_id=organisation_id):
        if t.membership_id is None:
            result["organisation"] = (t.unreadable, t.recoverable)
        elif t.reports or t.alone or t.stuck:
            result[t.membership_id] = (t.reports, t.alone, t.stuck)
    return result


def assert_tallies_match() -> None:
    from vangnet.organisations.models import Organisation

    for organisation_id in Organisation.objects.values_list("pk", flat=True):
        assert tallied(organisation_id) == counted(organisation_id), organisation_id
