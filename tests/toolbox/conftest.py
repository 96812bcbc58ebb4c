"""Fixtures of the toolbox tests: built-in content in the database, a team with a manager."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from support.people import make_member, make_unit
from vangnet.organisations.roles import Role


@pytest.fixture
def toolbox_content(db: Any) -> Any:
    from vangnet.toolbox.services import builtin_content_load

    return builtin_content_load()


@dataclass
class Team:
    organisation: Any
    department: Any
    unit: Any
    other_unit: Any
    manager: Any
    department_head: Any
    employee: Any
    other_employee: Any
    other_manager: Any
    coordinator: Any


@pytest.fixture
def team(organisation: Any, toolbox_content: Any) -> Team:
    department = make_unit(organisation, "Sociaal Domein")
    unit = make_unit(organisation, "Team Jeugd", parent=department)
    other_unit = make_unit(organisation, "Team Wmo", parent=department)
    manager = make_member(organisation, Role.EMPLOYEE, Role.MANAGER, unit=unit, name="Marco")
    unit.managers.add(manager)
    head = make_member(organisation, Role.EMPLOYEE, Role.MANAGER, unit=department, name="Ingrid")
    department.managers.add(head)
    other_manager = make_member(organisation, Role.EMPLOYEE, Role.MANAGER, unit=other_unit)
    other_unit.managers.add(other_manager)
    return Team(
        organisation=organisation, department=department, unit=unit, other_unit=other_unit,
        manager=manager, department_head=head,
        employee=make_member(organisation, Role.EMPLOYEE, unit=unit, name="Sanne"),
        other_employee=make_member(organisation, Role.EMPLOYEE, unit=other_unit),
        other_manager=other_manager,
        coordinator=make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR),
    )


@pytest.fixture
def client_for(client: Any) -> Any:
    """A test client logged in as the given membership (skipping the 2FA step on purpose)."""

    def _as(membership: Any) -> Any:
        client.force_login(membership.user)
        return client

    return _as


def actor(membership: Any) -> Any:
    from vangnet.organisations.selectors import actor_for

    return actor_for(membership)
