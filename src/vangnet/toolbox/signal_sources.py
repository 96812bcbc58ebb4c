"""What the toolbox feeds the signals dashboard (ADR 0090): per unit (over its sub-units) and
quarter, the share of planned team routines that were actually held. Stands on the unit's
active members (a routine is the team's, not one person's)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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

from .models import RoutineOccurrence

ROUTINES_HELD = Measure(
    key="toolbox.routines_held", label=_("Team routines held"), kind="percent",
    higher_is_better=True, concern=50.0, min_change=15.0, population="members",
    werkvormen=("wekelijkse-check-in", "veilig-openen-en-afsluiten"),
    explanation=_("Share of the planned team routines of the quarter that were marked as held."))


class ToolboxSource:
    key = "toolbox"
    label = _("Team routines")

    def measures(self) -> Sequence[Measure]:
        return (ROUTINES_HELD,)

    def figures(self, *, organisation_id: int, quarters: Sequence[Quarter]) -> Iterable[Figure]:
        if not quarters:
            return []
        k = threshold()
        parents = unit_parents(organisation_id=organisation_id)
        people = people_per_subtree(member_units(organisation_id=organisation_id), parents)
        tree = Subtrees(parents)  # once, not once per quarter
        rows = (RoutineOccurrence.objects
                .filter(routine__organisation_id=organisation_id, date__gte=quarters[0].start,
                        date__lte=quarters[-1].end)
                .filter(date__lte=timezone.localdate())
                .values_list("routine__unit_id", "date", "done_at"))
        planned: dict[Quarter, dict[int | None, float]] = {}
        held: dict[Quarter, dict[int | None, float]] = {}
        for unit, day, done_at in rows:
            quarter = Quarter.of(day)
            planned.setdefault(quarter, {})[unit] = planned.get(quarter, {}).get(unit, 0) + 1
            if done_at is not None:
                held.setdefault(quarter, {})[unit] = held.get(quarter, {}).get(unit, 0) + 1
        figures: list[Figure] = []
        for quarter in quarters:
            if quarter in planned:
                figures += ratio_figures(ROUTINES_HELD.key, quarter, held.get(quarter, {}),
                                         planned[quarter], people, parents=parents, subtrees=tree, k=k)
        return figures
