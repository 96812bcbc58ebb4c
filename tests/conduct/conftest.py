"""Fixtures of the conduct tests: an organisation with two teams, the roles that matter, and a
second organisation that must see nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from support.people import make_member, make_unit
from vangnet.conduct import services
from vangnet.organisations.public import actor_for
from vangnet.organisations.roles import Role


@dataclass
class Org:
    organisation: Any
    unit: Any
    other_unit: Any
    coordinator: Any
    works_council: Any
    hr: Any
    manager: Any
    employee: Any
    other_employee: Any
    outsider_coordinator: Any

    def actor(self, membership: Any) -> Any:
        return actor_for(membership)


@pytest.fixture
def org(organisation: Any, other_organisation: Any) -> Org:
    department = make_unit(organisation, "Sociaal Domein")
    unit = make_unit(organisation, "Team Jeugd", parent=department)
    other_unit = make_unit(organisation, "Team Wmo", parent=department)
    manager = make_member(organisation, Role.EMPLOYEE, Role.MANAGER, unit=unit, name="Marco")
    unit.managers.set([manager])
    return Org(
        organisation=organisation, unit=unit, other_unit=other_unit,
        coordinator=make_member(organisation, Role.COORDINATOR, name="Cora"),
        works_council=make_member(organisation, Role.WORKS_COUNCIL, name="Otto"),
        hr=make_member(organisation, Role.HR, name="Hanna"),
        manager=manager,
        employee=make_member(organisation, Role.EMPLOYEE, unit=unit, name="Eva"),
        other_employee=make_member(organisation, Role.EMPLOYEE, unit=other_unit, name="Wim"),
        outsider_coordinator=make_member(other_organisation, Role.COORDINATOR, name="Xander"),
    )


@pytest.fixture
def publish(org: Org) -> Any:
    """Publish a version made from the model code; returns it."""

    def _publish(*, consent: bool = False) -> Any:
        actor = org.actor(org.coordinator)
        version = services.version_create_from_model(actor=actor, language="nl")
        if consent:
            services.consent_record(actor=org.actor(org.works_council), version=version,
                                    consent_on=date(2026, 11, 30))
        return services.version_publish(actor=actor, version=version)

    return _publish
