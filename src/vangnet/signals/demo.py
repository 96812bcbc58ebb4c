"""Demo data of signals: four quarters of HR figures for the demo units (fictional numbers).

Team Jeugd's absence rises; Buitendienst has four people and therefore appears nowhere.
Idempotent: running `seed_demo` again updates the same rows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from vangnet.core.signal_sources import Quarter, last_quarters
from vangnet.organisations.public import units_in

from .models import HRFigure

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Organisation

# unit code: headcount, absence % per quarter (oldest first), sick reports, leavers
DEMO_HR = {
    "SD-JGD": (12, ("4.5", "5.8", "7.4", "9.1"), 4, 1),
    "SD-WMO": (9, ("3.9", "4.1", "3.6", "3.8"), 2, 0),
    "BV-HR": (6, ("2.5", "3.0", "2.8", "2.6"), 1, 0),
    "BV-ICT": (8, ("4.0", "3.8", "4.4", "4.1"), 2, 1),
    "OR-BUI": (4, ("6.0", "7.0", "5.0", "8.0"), 2, 0),
}


def seed(*, organisation: Organisation, people: dict[str, Membership]) -> None:
    units = dict(units_in(organisation_id=organisation.pk).values_list("code", "pk"))
    quarters: list[Quarter] = last_quarters(Quarter.of(timezone.localdate()), 4)
    for code, (headcount, absences, sick, leavers) in DEMO_HR.items():
        unit_id = units.get(code)
        if unit_id is None:
            continue
        for quarter, absence in zip(quarters, absences, strict=True):
            HRFigure.objects.update_or_create(
                unit_id=unit_id, year=quarter.year, quarter=quarter.number,
                defaults={"organisation": organisation, "headcount": headcount,
                          "absence_percent": Decimal(absence), "sick_reports": sick,
                          "leavers": leavers})
