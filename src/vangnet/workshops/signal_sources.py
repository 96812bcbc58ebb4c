"""What workshops feed the signals dashboard (ADR 0090): per unit (over its sub-units) and
quarter, the share of the unit's members who took part in a workshop that was held. Stands on the
unit's active members, like the toolbox's routines, so both are hidden for the same small units
(one population, ADR 0091). Only the organisation's own members count (a shared pool's other
organisations are theirs to see), and a person counts once per quarter however many sessions
they joined."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

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

from .models import Registration, Session

PARTICIPATION = Measure(
    key="workshops.participation", label=_("Took part in a workshop"), kind="percent",
    higher_is_better=True, min_change=10.0, population="members",
    explanation=_("Share of the members who took part in a workshop that was held in the "
                  "quarter (each person counts once)."))


class WorkshopsSource:
    key = "workshops"
    label = _("Workshops")

    def measures(self) -> Sequence[Measure]:
        return (PARTICIPATION,)

    def figures(self, *, organisation_id: int, quarters: Sequence[Quarter]) -> Iterable[Figure]:
        if not quarters:
            return []
        parents = unit_parents(organisation_id=organisation_id)
        members = member_units(organisation_id=organisation_id)
        people = people_per_subtree(members, parents)
        tree = Subtrees(parents)  # once, not once per quarter
        bases: dict[int | None, float] = {}
        for unit in members.values():
            bases[unit] = bases.get(unit, 0) + 1
        rows = (Registration.objects
                .filter(organisation_id=organisation_id,
                        status=Registration.Status.REGISTERED,
                        session__status=Session.Status.HELD,
                        session__starts_at__date__gte=quarters[0].start,
                        session__starts_at__date__lte=quarters[-1].end)
                .values_list("membership_id", "session__starts_at"))
        took_part: dict[Quarter, dict[int, None]] = {}
        quarter_of: dict[datetime, Quarter] = {}  # many registrations share a session's start
        for membership_id, starts_at in rows:
            if membership_id not in members:
                continue  # left the organisation since: not in the base either
            quarter = quarter_of.get(starts_at)
            if quarter is None:
                quarter = quarter_of[starts_at] = Quarter.of(timezone.localtime(starts_at).date())
            took_part.setdefault(quarter, {})[membership_id] = None
        figures: list[Figure] = []
        for quarter in quarters:
            parts: dict[int | None, float] = {}
            for membership_id in took_part.get(quarter, {}):
                unit = members[membership_id]  # the unit the person is in now, like the base
                parts[unit] = parts.get(unit, 0) + 1
            figures += ratio_figures(PARTICIPATION.key, quarter, parts, bases, people,
                                     parents=parents, subtrees=tree, k=threshold())
        return figures
