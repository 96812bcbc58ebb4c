"""The demo's HR figures: idempotent, and the unit of four appears nowhere."""

from __future__ import annotations

from typing import Any

import pytest

from support.people import make_member
from vangnet.organisations.models import Unit
from vangnet.organisations.public import actor_for
from vangnet.organisations.roles import Role
from vangnet.signals import demo
from vangnet.signals.models import HRFigure
from vangnet.signals.selectors import dashboard_for

pytestmark = pytest.mark.django_db


def test_demo_hr_figures(organisation: Any) -> None:
    top = Unit.objects.create(organisation=organisation, name="Directie", code="DIR")
    sd = Unit.objects.create(organisation=organisation, name="Sociaal Domein", code="SD", parent=top)
    bv = Unit.objects.create(organisation=organisation, name="Bedrijfsvoering", code="BV", parent=top)
    for code, name, parent in (("SD-JGD", "Team Jeugd", sd), ("SD-WMO", "Team Wmo", sd),
                               ("BV-HR", "Team HR", bv), ("BV-ICT", "Team ICT", bv),
                               ("OR-BUI", "Buitendienst", top)):
        Unit.objects.create(organisation=organisation, name=name, code=code, parent=parent)
    demo.seed(organisation=organisation, people={})
    demo.seed(organisation=organisation, people={})
    assert HRFigure.objects.count() == 5 * 4
    board = dashboard_for(actor=actor_for(make_member(organisation, Role.COORDINATOR)))
    names = {row.name for row in board.rows}
    assert "Team Jeugd" in names
    assert "Buitendienst" not in names
    assert any(a.kind == "falling" and a.measures == ("hr.absence",) for a in board.alerts)
