"""The HR source: HR's own figures per unit and quarter, declared on SignalsConfig like any other
app's source (ADR 0090)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext_lazy

from vangnet.core.signal_sources import Figure, Measure, Quarter
from vangnet.organisations.public import unit_parents

from .hr import HR_MEASURES, HRData, hr_figures
from .models import HRFigure


class HRSource:
    key = "hr"
    label = gettext_lazy("HR figures")

    def measures(self) -> Sequence[Measure]:
        return HR_MEASURES

    def figures(self, *, organisation_id: int, quarters: Sequence[Quarter]) -> Iterable[Figure]:
        wanted = set(quarters)
        rows = [(unit, Quarter(year, q), headcount, float(absence), sick, leavers)
                for unit, year, q, headcount, absence, sick, leavers
                in HRFigure.objects.filter(organisation_id=organisation_id,
                                           year__gte=min(quarters).year, year__lte=max(quarters).year)
                .values_list("unit_id", "year", "quarter", "headcount", "absence_percent",
                             "sick_reports", "leavers")
                if Quarter(year, q) in wanted]
        return hr_figures(HRData(rows, unit_parents(organisation_id=organisation_id)))
