"""The units below a unit: one walk that pulse and quickscan share (a manager's reach, a round's
scope)."""

from __future__ import annotations

import pytest

from support.people import make_member, make_organisation, make_unit
from vangnet.organisations.public import actor_for, managed_subtree, units_and_below
from vangnet.organisations.roles import Role

pytestmark = pytest.mark.django_db


def test_a_unit_and_everything_below_it_never_another_organisation(organisation) -> None:
    top = make_unit(organisation, "Sociaal Domein")
    team = make_unit(organisation, "Team Jeugd", parent=top)
    group = make_unit(organisation, "Werkgroep", parent=team)
    beside = make_unit(organisation, "Team Wmo")
    elsewhere = make_unit(make_organisation(name="Elders"), "Team Elders")
    assert units_and_below(organisation_id=organisation.pk, roots={team.pk}) == {team.pk, group.pk}
    assert units_and_below(organisation_id=organisation.pk, roots={top.pk}) == {
        top.pk, team.pk, group.pk}
    assert beside.pk not in units_and_below(organisation_id=organisation.pk, roots={top.pk})
    assert units_and_below(organisation_id=organisation.pk, roots={elsewhere.pk}) == set()


def test_a_manager_reaches_their_units_and_below_others_nothing(organisation) -> None:
    manager = make_member(organisation, Role.MANAGER)
    team = make_unit(organisation, "Team Jeugd", managers=[manager])
    group = make_unit(organisation, "Werkgroep", parent=team)
    make_unit(organisation, "Team Wmo")
    employee = make_member(organisation, Role.EMPLOYEE, unit=team)
    assert managed_subtree(actor=actor_for(manager)) == {team.pk, group.pk}
    assert managed_subtree(actor=actor_for(employee)) == set()
