"""Who holds which report key, as one query: shared by the coordinator's overview (a selector)
and by the removal service, so that the page and the rule it shows cannot disagree."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from .models import RecipientTally, Report, ReportHoldingState, ReportRecipient
from .permissions import removal_keeps_report_openable


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


# --- Running totals for the coordinator's overview (docs/adr/0095) -----------------------------
#
# What a report adds depends only on its own current recipient rows, whether those people are
# active, and whether the organisation recovery key has a copy. `refresh(report_ids)` recomputes
# that for the given reports, compares it with the stored `ReportHoldingState` and applies the
# difference to the `RecipientTally` rows, in a fixed number of queries. It is idempotent: calling
# it for a report that did not change changes nothing. It is called from the recipient rows'
# save/delete signals, after a report's removal, and by the writes that use `QuerySet.update`.

Holders = dict[str, list[int]]  # membership id (as JSON key) → [reports, alone, stuck]


@dataclass(frozen=True)
class Contribution:
    organisation_id: int
    holders: Holders
    unreadable: bool
    recoverable: bool


def contributions(
    reports: dict[int, tuple[int, bool]],
    rows: Iterable[tuple[int, int, bool, bool, int]],
) -> dict[int, Contribution]:
    """Pure: what each report adds. `reports`: id → (organisation id, has a recovery copy);
    `rows`: its current (unrevoked) recipient rows as (report id, membership id, holds the key,
    person is active, person's organisation id). The same rules as `recipient_rows`."""
    by_report: dict[int, list[tuple[int, bool, bool, int]]] = {}
    for report_id, membership_id, has_key, active, member_org in rows:
        by_report.setdefault(report_id, []).append((membership_id, has_key, active, member_org))
    result: dict[int, Contribution] = {}
    for report_id, (organisation_id, has_copy) in reports.items():
        holders: Holders = {}
        mine = by_report.get(report_id, [])
        for membership_id, has_key, _active, member_org in mine:
            if member_org != organisation_id:
                continue
            others = [(k, a) for m, k, a, _o in mine if m != membership_id]
            other = any(k for k, _a in others)
            other_active = any(k and a for k, a in others)
            alone = has_key and not other_active
            stuck = alone and not removal_keeps_report_openable(
                by_recipient=False, other_active_key_holders=False, other_key_holders=other,
                has_recovery_copy=has_copy)
            holders[str(membership_id)] = [1, int(alone), int(stuck)]
        unreadable = not any(k and a for _m, k, a, _o in mine)
        result[report_id] = Contribution(organisation_id, holders, unreadable,
                                         unreadable and has_copy)
    return result


def refresh(report_ids: Iterable[int]) -> None:
    """Bring the tallies up to date for these reports (see above). Locks the reports in id
    order, as the removal services do, so two changes of one report apply one after the other."""
    ids = sorted(set(report_ids))
    if not ids:
        return
    # No savepoint: a failure here fails the write that called it (its own transaction).
    with transaction.atomic(savepoint=False):
        reports = {
            pk: (organisation_id, has_copy) for pk, organisation_id, has_copy in
            Report.objects.select_for_update().filter(pk__in=ids).order_by("pk")
            .annotate(has_copy=ExpressionWrapper(Q(recovery_sealed_key__isnull=False),
                                                 output_field=BooleanField()))
            .values_list("pk", "organisation_id", "has_copy")
        }
        rows = ReportRecipient.objects.filter(
            report_id__in=list(reports), revoked_at__isnull=True,
        ).annotate(
            has_key=ExpressionWrapper(Q(sealed_key__isnull=False), output_field=BooleanField()),
        ).values_list("report_id", "membership_id", "has_key", "membership__is_active",
                      "membership__organisation_id")
        new = contributions(reports, rows)
        old = {state.report_id: state for state in ReportHoldingState.objects.filter(report_id__in=ids)}
        deltas: dict[tuple[int, int | None], list[int]] = {}

        def add(organisation_id: int, membership_id: int | None, values: list[int],
                sign: int) -> None:
            delta = deltas.setdefault((organisation_id, membership_id), [0, 0, 0, 0, 0])
            for i, value in enumerate(values):
                delta[i] += sign * value

        for report_id in ids:
            before, after = old.get(report_id), new.get(report_id)
            for state, sign in ((before, -1), (after, 1)):
                if state is None:
                    continue
                for membership_id, values in state.holders.items():
                    add(state.organisation_id, int(membership_id), [*values, 0, 0], sign)
                add(state.organisation_id, None,
                    [0, 0, 0, int(state.unreadable), int(state.recoverable)], sign)
        _apply(deltas)
        gone = [pk for pk in ids if pk in old and pk not in new]
        if gone:
            ReportHoldingState.objects.filter(report_id__in=gone).delete()
        changed = [
            ReportHoldingState(report_id=pk, organisation_id=c.organisation_id,
                               holders=c.holders, unreadable=c.unreadable,
                               recoverable=c.recoverable)
            for pk, c in new.items()
            if pk not in old or (old[pk].holders, old[pk].unreadable, old[pk].recoverable)
            != (c.holders, c.unreadable, c.recoverable)
        ]
        if changed:
            ReportHoldingState.objects.bulk_create(
                changed, update_conflicts=True, unique_fields=["report_id"],
                update_fields=["organisation", "holders", "unreadable", "recoverable"])


_FIELDS = ("reports", "alone", "stuck", "unreadable", "recoverable")


def _apply(deltas: dict[tuple[int, int | None], list[int]]) -> None:
    deltas = {key: delta for key, delta in deltas.items() if any(delta)}
    if not deltas:
        return
    organisation_ids = {organisation_id for organisation_id, _m in deltas}
    wanted = Q()
    for organisation_id, membership_id in deltas:
        wanted |= Q(organisation_id=organisation_id, membership_id=membership_id) \
            if membership_id is not None else Q(organisation_id=organisation_id,
                                                membership_id__isnull=True)
    existing = {(t.organisation_id, t.membership_id): t for t in
                RecipientTally.objects.select_for_update().filter(
                    organisation_id__in=organisation_ids).filter(wanted).order_by("pk")}
    missing = [key for key in deltas if key not in existing]
    if missing:
        RecipientTally.objects.bulk_create(
            [RecipientTally(organisation_id=o, membership_id=m) for o, m in missing],
            ignore_conflicts=True)
        existing = {(t.organisation_id, t.membership_id): t for t in
                    RecipientTally.objects.select_for_update().filter(
                        organisation_id__in=organisation_ids).filter(wanted).order_by("pk")}
    for key, delta in deltas.items():
        tally = existing[key]
        for name, value in zip(_FIELDS, delta, strict=True):
            setattr(tally, name, getattr(tally, name) + value)
    RecipientTally.objects.bulk_update([existing[key] for key in deltas], list(_FIELDS))


def rebuild(*, organisation_id: int | None = None) -> None:
    """Recompute every state and tally from the rows (after bulk loads; the migration does the
    same for existing installations). Reads the reports in batches."""
    with transaction.atomic():
        states = ReportHoldingState.objects.all()
        tallies = RecipientTally.objects.all()
        reports_all = Report.objects.all()
        if organisation_id is not None:
            states = states.filter(organisation_id=organisation_id)
            tallies = tallies.filter(organisation_id=organisation_id)
            reports_all = reports_all.filter(organisation_id=organisation_id)
        states.delete()
        tallies.delete()
        ids = list(reports_all.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        refresh(ids[start:start + 2000])


def on_recipient_changed(sender: Any, instance: ReportRecipient, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # fixtures being loaded: `rebuild` afterwards
        return
    refresh([instance.report_id])


def on_report_deleted(sender: Any, instance: Report, **kwargs: Any) -> None:
    refresh([instance.pk])
