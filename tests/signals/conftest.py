"""An organisation for the signals tests: a department with three teams (7, 6 and 4 people),
the roles that see something, HR figures over three quarters, a published code nobody in team
Jeugd acknowledged, and Jeugd's agreements last discussed more than a year ago."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from support.people import make_member, make_unit
from vangnet.conduct import services as conduct_services
from vangnet.conduct.models import Acknowledgement, Discussion
from vangnet.core.signal_sources import Quarter, last_quarters
from vangnet.organisations.public import actor_for
from vangnet.organisations.roles import Role
from vangnet.signals.models import HRFigure
from vangnet.toolbox.models import Routine, RoutineOccurrence, Werkvorm
from vangnet.toolbox.services import builtin_content_load


@dataclass
class Org:
    organisation: Any
    department: Any
    jeugd: Any
    wmo: Any
    klein: Any
    coordinator: Any
    hr: Any
    works_council: Any
    advisor: Any
    manager: Any
    employee: Any
    outsider: Any
    latest: Quarter

    def actor(self, membership: Any) -> Any:
        return actor_for(membership)


def hr_row(org: Any, unit: Any, quarter: Quarter, headcount: int, absence: str,
           sick: int = 1, leavers: int = 0) -> None:
    HRFigure.objects.create(organisation=org, unit=unit, year=quarter.year,
                            quarter=quarter.number, headcount=headcount,
                            absence_percent=Decimal(absence), sick_reports=sick, leavers=leavers)


@pytest.fixture
def org(organisation: Any, other_organisation: Any) -> Org:
    department = make_unit(organisation, "Sociaal Domein")
    jeugd = make_unit(organisation, "Team Jeugd", parent=department)
    wmo = make_unit(organisation, "Team Wmo", parent=department)
    klein = make_unit(organisation, "Team Klein", parent=department)
    manager = make_member(organisation, Role.EMPLOYEE, Role.MANAGER, unit=jeugd, name="Marco")
    jeugd.managers.set([manager])
    jeugd_people = [manager] + [make_member(organisation, Role.EMPLOYEE, unit=jeugd)
                                for _ in range(6)]
    wmo_people = [make_member(organisation, Role.EMPLOYEE, unit=wmo) for _ in range(6)]
    klein_people = [make_member(organisation, Role.EMPLOYEE, unit=klein) for _ in range(4)]
    result = Org(
        organisation=organisation, department=department, jeugd=jeugd, wmo=wmo, klein=klein,
        coordinator=make_member(organisation, Role.COORDINATOR, name="Cora"),
        hr=make_member(organisation, Role.HR, name="Hanna"),
        works_council=make_member(organisation, Role.WORKS_COUNCIL, name="Otto"),
        advisor=make_member(organisation, Role.ADVISOR, name="Vera"),
        manager=manager, employee=jeugd_people[1],
        outsider=make_member(other_organisation, Role.COORDINATOR, name="Xander"),
        latest=Quarter.of(timezone.localdate()),
    )
    # HR: Jeugd's absence rises over three quarters; Wmo stays fine; Klein (4 people) too small.
    for quarter, jeugd_absence in zip(last_quarters(result.latest, 3), ("5.0", "7.5", "9.5"),
                                      strict=True):
        hr_row(organisation, jeugd, quarter, 7, jeugd_absence, sick=3, leavers=1)
        hr_row(organisation, wmo, quarter, 6, "3.0")
        hr_row(organisation, klein, quarter, 4, "12.0")
    # Conduct: a published code; Wmo and Klein acknowledged it, Jeugd did not.
    actor = actor_for(result.coordinator)
    version = conduct_services.version_create_from_model(actor=actor, language="nl")
    conduct_services.consent_record(actor=actor_for(result.works_council), version=version,
                                    consent_on=timezone.localdate())
    conduct_services.version_publish(actor=actor, version=version)
    for person in wmo_people + klein_people:
        Acknowledgement.objects.create(organisation=organisation, version=version,
                                       major=version.major, membership=person)
    Discussion.objects.create(organisation=organisation, unit=jeugd,
                              held_on=timezone.localdate() - timedelta(days=500))
    Discussion.objects.create(organisation=organisation, unit=wmo,
                              held_on=timezone.localdate() - timedelta(days=20))
    # Toolbox: Jeugd planned a weekly check-in each quarter and never marked it held; Wmo did.
    builtin_content_load()
    werkvorm = Werkvorm.objects.get(slug="wekelijkse-check-in", organisation__isnull=True)
    for unit, held in ((jeugd, False), (wmo, True)):
        routine = Routine.objects.create(
            organisation=organisation, unit=unit, werkvorm=werkvorm, title="Check-in",
            frequency=Routine.Frequency.QUARTERLY, starts_on=timezone.localdate(),
            time_of_day=time(9), duration_minutes=15)
        for quarter in last_quarters(result.latest, 3):
            RoutineOccurrence.objects.create(routine=routine, date=quarter.start,
                                             done_at=timezone.now() if held else None)
    return result


def dashboard_url(org: Org) -> str:
    return f"/o/{org.organisation.slug}/signalen/"


def today() -> date:
    return timezone.localdate()
