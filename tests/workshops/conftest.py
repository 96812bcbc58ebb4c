"""Fixtures of the workshops tests: a keeping organisation with two teams, a joining organisation
of a shared pool, and an unrelated organisation that must see nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from support.people import make_member, make_organisation, make_unit
from vangnet.organisations.public import actor_for
from vangnet.organisations.roles import Role
from vangnet.workshops import services


@dataclass
class World:
    organisation: Any
    joining: Any
    unrelated: Any
    unit: Any
    other_unit: Any
    coordinator: Any
    manager: Any
    facilitators: list[Any]
    pool: Any = None
    offer: Any = None
    session: Any = None
    people: list[Any] = field(default_factory=list)

    def actor(self, membership: Any) -> Any:
        return actor_for(membership)

    @property
    def boss(self) -> Any:
        return actor_for(self.coordinator)

    def members(self, n: int, *, organisation: Any = None, unit: Any = None) -> list[Any]:
        org = organisation or self.organisation
        return [make_member(org, Role.EMPLOYEE, unit=unit or (self.unit if org is self.organisation else None))
                for _ in range(n)]


@pytest.fixture
def world(organisation: Any, other_organisation: Any) -> World:
    department = make_unit(organisation, "Sociaal Domein")
    unit = make_unit(organisation, "Team Jeugd", parent=department)
    other_unit = make_unit(organisation, "Team ICT")
    manager = make_member(organisation, Role.EMPLOYEE, Role.MANAGER, unit=unit, name="Marco Manager")
    unit.managers.set([manager])
    facilitators = [
        make_member(organisation, Role.EMPLOYEE, Role.FACILITATOR, unit=other_unit, name="Fien Lijn"),
        make_member(organisation, Role.EMPLOYEE, Role.FACILITATOR, unit=other_unit, name="Fred Lijn"),
        make_member(organisation, Role.EMPLOYEE, Role.FACILITATOR, unit=unit, name="Fay Begeleid"),
        make_member(organisation, Role.EMPLOYEE, Role.FACILITATOR, unit=other_unit, name="Finn Begeleid"),
    ]
    return World(organisation=organisation, joining=other_organisation,
                 unrelated=make_organisation("Los Bedrijf"), unit=unit, other_unit=other_unit,
                 coordinator=make_member(organisation, Role.COORDINATOR, name="Cora Coördinator"),
                 manager=manager, facilitators=facilitators)


@pytest.fixture
def ready(world: World) -> World:
    """A pool with four facilitators (two line, two facilitation), an offer of 4–8 and a session
    with a line + facilitation duo."""
    boss = world.boss
    world.pool = services.pool_create(actor=boss, name="Pool")
    profiles = [(True, False), (True, False), (False, True), (False, True)]
    made = [services.facilitator_add(actor=boss, pool=world.pool, membership_id=m.pk,
                                     organisation_id=world.organisation.pk, line_experience=line,
                                     facilitation_experience=fac)
            for m, (line, fac) in zip(world.facilitators, profiles, strict=True)]
    world.offer = services.offer_create(actor=boss, pool=world.pool, title="Samen veilig",
                                        audience="employees", format="online")
    world.session = services.session_create(actor=boss, offer=world.offer,
                                            starts_at=timezone.now() + timedelta(days=10),
                                            video_link="https://video.example.org/a")
    services.duo_assign(actor=boss, session=world.session, facilitator_a_id=made[0].pk,
                        facilitator_b_id=made[3].pk)
    world.session.refresh_from_db()
    return world
