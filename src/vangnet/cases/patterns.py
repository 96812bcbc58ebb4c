"""Pattern signals: two or more cases in twelve months about the same unit or the same person.

Small numbers never expose anyone (docs/adr/0045):
- a signal names a unit only when that unit has at least k members; for a smaller team it names
  the nearest unit above it that does (or "the organisation");
- the number of cases is shown through core.anonymity ("< 5" below the threshold);
- a person is only ever a keyed hash under the advisors' pattern key, never a name;
- the e-mail to advisors says only that there is a signal and where to look.

Lock ordering (docs/adr/0054): the checks run inside the submitting transaction, and appending to
the audit log locks the organisation's chain head until commit. So every count here happens
before this transaction's first audit entry (callers audit after calling a check, and `_raise`
counts nothing after its own audit entry, written when its `service_write` ends); a slow
count never holds the chain.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from vangnet.core.anonymity import Cell, banded_cell, threshold
from vangnet.core.mail import queue_mail
from vangnet.core.service import AuditedChange, service_write
from vangnet.organisations.public import Role, active_memberships_in, members_with_role, unit_parents

from .models import Case, PatternSignal, PersonMark

WINDOW = timedelta(days=365)
MIN_CASES = 2


def reporting_unit(unit_id: int | None, organisation_id: int) -> int | None:
    """The unit a signal may name: the case's own unit if it has at least k members, else the
    nearest unit above it that has; None means "the organisation as a whole"."""
    if unit_id is None:
        return None
    k = threshold()
    parents = unit_parents(organisation_id=organisation_id)
    sizes = dict(active_memberships_in(organisation_id=organisation_id).filter(unit__isnull=False)
                 .values_list("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))
    children: dict[int, list[int]] = {}
    for pk, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(pk)

    def subtree_size(pk: int) -> int:
        return sizes.get(pk, 0) + sum(subtree_size(child) for child in children.get(pk, []))

    current: int | None = unit_id
    seen: set[int] = set()
    while current is not None and current not in seen:
        seen.add(current)
        if subtree_size(current) >= k:
            return current
        current = parents.get(current)
    return None


def _subtree_ids(unit_id: int, organisation_id: int) -> list[int]:
    parents = list(unit_parents(organisation_id=organisation_id).items())
    result, frontier = [unit_id], [unit_id]
    while frontier:
        frontier = [pk for pk, parent in parents if parent in frontier]
        result += frontier
    return result


def unit_pattern_check(*, case: Case) -> PatternSignal | None:
    if case.unit_id is None:
        return None
    shown_unit = reporting_unit(case.unit_id, case.organisation_id)
    since = case.received_at - WINDOW
    cases = Case.objects.filter(organisation_id=case.organisation_id, received_at__gte=since)
    if shown_unit is None:
        count = cases.count()
        subject = "organisation"
    else:
        count = cases.filter(unit_id__in=_subtree_ids(shown_unit, case.organisation_id)).count()
        subject = f"unit:{shown_unit}"
    if count < MIN_CASES:
        return None
    return _raise(case.organisation_id, PatternSignal.Kind.UNIT, subject, count, unit_id=shown_unit)


def person_pattern_check(*, mark: PersonMark) -> PatternSignal | None:
    since = mark.created_at - WINDOW
    count = (PersonMark.objects.filter(organisation_id=mark.organisation_id,
                                       person_hash=mark.person_hash, created_at__gte=since)
             .values("case_id").distinct().count())
    if count < MIN_CASES:
        return None
    # Only a prefix of the hash names the signal: enough to tell signals apart, no more.
    return _raise(mark.organisation_id, PatternSignal.Kind.PERSON,
                  f"person:{mark.person_hash[:20]}", count)


def _raise(organisation_id: int, kind: str, subject: str, count: int,
           unit_id: int | None = None) -> PatternSignal:
    with service_write(action="cases.pattern_signal", actor=None, actor_label="system",
                       organisation_id=organisation_id) as change:
        signal = _raise_signal(organisation_id, kind, subject, count, unit_id, change)
    return signal


def _raise_signal(organisation_id: int, kind: str, subject: str, count: int,
                  unit_id: int | None, change: AuditedChange) -> PatternSignal:
    now = timezone.now()
    signal, created = PatternSignal.objects.get_or_create(
        organisation_id=organisation_id, kind=kind, subject_key=subject,
        defaults={"unit_id": unit_id, "case_count": count, "first_raised_at": now,
                  "last_raised_at": now},
    )
    # Advisors hear of a signal (and a dismissed one comes back) only when what they see changes:
    # a new signal, or a count that crosses into another band of k. Telling them of every growth
    # would count the reports one by one, which the banded page hides (ADR 0045).
    crossed_band = banded_cell(count).display != banded_cell(signal.case_count).display
    grew = count > signal.case_count
    if not created and grew:
        signal.case_count = count
        if crossed_band:  # the date shown moves only with the band, for the same reason
            signal.last_raised_at = now
            signal.dismissed_at = None
        signal.save(update_fields=["case_count", "last_raised_at", "dismissed_at"])
    change.target, change.data = signal, {"kind": kind}
    if created or (grew and crossed_band):
        _notify_advisors(organisation_id)  # reads the advisors: before the audit lock, too
    else:
        change.nothing_changed()
    return signal


def _notify_advisors(organisation_id: int) -> None:
    user_ids = [m.user_id for m in members_with_role(organisation_id=organisation_id,
                                                     role=Role.ADVISOR)]
    if user_ids:
        transaction.on_commit(lambda: queue_mail(
            "cases/email/pattern", user_ids=user_ids, organisation_id=organisation_id))


def signal_count_cell(signal: PatternSignal) -> Cell:
    """The number of cases behind a signal, as advisors may see it: in bands of k ("5–9"), so
    that looking again after each new report does not count the reports one by one."""
    return banded_cell(signal.case_count)


def signal_display(signal: PatternSignal) -> dict[str, Any]:
    return {"signal": signal, "count": signal_count_cell(signal)}
