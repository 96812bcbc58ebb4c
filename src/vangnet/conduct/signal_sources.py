"""What conduct feeds the signals dashboard (ADR 0090): per unit (over its sub-units) and quarter,
the share of members who acknowledged the published code, and the days since the unit last
discussed its code or agreements (a unit that never did counts from the day the code was
published, so "no discussion for a year" also finds it). Both stand on the unit's active
members."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.core.anonymity import threshold
from vangnet.core.signal_sources import (
    Figure,
    Measure,
    Quarter,
    Subtrees,
    people_per_subtree,
    ratio_figures,
)
from vangnet.organisations.public import member_units, unit_parents

from .models import Acknowledgement, CodeVersion, Discussion

ACKNOWLEDGED = Measure(
    key="conduct.acknowledged", label=_("Code of conduct acknowledged"), kind="percent",
    higher_is_better=True, concern=70.0, min_change=10.0, tags=frozenset({"conduct"}), population="members",
    werkvormen=("gedragscode-bespreken",),
    explanation=_("Share of members who said they read the published major version of the code."))
DAYS_SINCE_DISCUSSION = Measure(
    key="conduct.days_since_discussion", label=_("Days since agreements were last discussed"),
    kind="days", higher_is_better=False, concern=365.0, min_change=90.0,
    tags=frozenset({"days_since_discussion"}), population="members",
    werkvormen=("teamafspraken-maken", "gedragscode-bespreken"),
    explanation=_("Days between the end of the quarter and the unit's last recorded discussion of "
                  "its code of conduct or team agreements."))


class ConductSource:
    key = "conduct"
    label = _("Code of conduct")

    def measures(self) -> Sequence[Measure]:
        return (ACKNOWLEDGED, DAYS_SINCE_DISCUSSION)

    def figures(self, *, organisation_id: int, quarters: Sequence[Quarter]) -> Iterable[Figure]:
        k = threshold()
        parents = unit_parents(organisation_id=organisation_id)
        members = member_units(organisation_id=organisation_id)
        people = people_per_subtree(members, parents)
        tree = Subtrees(parents)  # once, not once per quarter
        current = (CodeVersion.objects.filter(organisation_id=organisation_id,
                                              status=CodeVersion.Status.PUBLISHED)
                   .values_list("major", "published_at").first())
        figures: list[Figure] = []
        published_on = None  # a unit that never discussed the code counts from this day
        if current is not None:
            published, published_at = current
            # The first version of this major was published when it began to be acknowledged.
            first = (CodeVersion.objects.filter(organisation_id=organisation_id, major=published)
                     .exclude(published_at=None).order_by("published_at")
                     .values_list("published_at", flat=True).first()) or published_at
            published_on = None if first is None else timezone.localdate(first)
            acknowledged = list(Acknowledgement.objects.filter(
                organisation_id=organisation_id, major=published, membership_id__in=list(members))
                .values_list("membership_id", "acknowledged_at"))
            for quarter in quarters:
                end = timezone.make_aware(datetime.combine(quarter.next().start, time.min))
                if first is None or first >= end:
                    continue  # not published yet in this quarter: no figure, not a 0 %
                parts: dict[int | None, float] = {}
                for membership_id, at in acknowledged:
                    if at < end:
                        unit = members[membership_id]
                        parts[unit] = parts.get(unit, 0) + 1
                bases: dict[int | None, float] = {}
                for unit in members.values():
                    bases[unit] = bases.get(unit, 0) + 1
                figures += ratio_figures(ACKNOWLEDGED.key, quarter, parts, bases, people,
                                         parents=parents, subtrees=tree, k=k)
        subtrees = Subtrees(parents)
        # Two queries whatever the number of quarters: each unit's last discussion before the
        # first quarter, and every discussion day within the quarters.
        if not quarters:
            return figures
        ordered = sorted(quarters)
        before = dict(Discussion.objects.filter(organisation_id=organisation_id,
                                                held_on__lt=ordered[0].start)
                      .values("unit_id").annotate(last=Max("held_on"))
                      .values_list("unit_id", "last"))
        within = sorted(Discussion.objects.filter(organisation_id=organisation_id,
                                                  held_on__gte=ordered[0].start,
                                                  held_on__lte=ordered[-1].end)
                        .order_by().values_list("held_on", "unit_id").distinct())
        for quarter in quarters:
            last = dict(before)
            for held_on, discussed_unit in within:
                if held_on > quarter.end:
                    break
                last[discussed_unit] = held_on  # in date order: the latest wins
            for unit, below in subtrees.below.items():
                dates = [last[u] for u in below if u in last]
                if not dates and published_on is not None and published_on <= quarter.end:
                    dates = [published_on]  # never discussed: as long as the code is published
                n = people.get(unit, 0)
                if not dates or not n:
                    continue
                days = (quarter.end - max(dates)).days
                figures.append(Figure(DAYS_SINCE_DISCUSSION.key, unit, quarter,
                                      float(days) if n >= k else None, n))
        return figures
