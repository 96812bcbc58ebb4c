"""Pulse fixtures: an organisation with three teams (one below the threshold), their manager,
a coordinator, and helpers that answer through the real e-mailed links."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from support.people import make_member, make_unit
from vangnet.organisations.models import Membership
from vangnet.organisations.roles import Role
from vangnet.organisations.selectors import actor_for


def _joined_yesterday(membership: Membership) -> Membership:
    Membership.objects.filter(pk=membership.pk).update(
        created_at=timezone.now() - timedelta(days=1))
    membership.refresh_from_db()
    return membership


@pytest.fixture
def people(organisation: Any) -> dict[str, Any]:
    coordinator = _joined_yesterday(make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR))
    manager = _joined_yesterday(make_member(organisation, Role.EMPLOYEE, Role.MANAGER))
    department = make_unit(organisation, "Zorg", managers=[manager])
    north = make_unit(organisation, "Team Noord", parent=department)
    south = make_unit(organisation, "Team Zuid", parent=department)
    small = make_unit(organisation, "Team Klein", parent=department)
    other = make_unit(organisation, "Facilitair")
    members = {
        "north": [_joined_yesterday(make_member(organisation, unit=north)) for _ in range(6)],
        "south": [_joined_yesterday(make_member(organisation, unit=south)) for _ in range(5)],
        "small": [_joined_yesterday(make_member(organisation, unit=small)) for _ in range(3)],
        "other": [_joined_yesterday(make_member(organisation, unit=other)) for _ in range(5)],
    }
    return {"coordinator": actor_for(coordinator), "manager": actor_for(manager),
            "units": {"department": department, "north": north, "south": south, "small": small,
                      "other": other},
            "members": members}
