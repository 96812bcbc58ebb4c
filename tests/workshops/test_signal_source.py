"""Workshop participation as a signals source (ADR 0090): per unit over its sub-units and per
quarter, the share of members who took part in a held workshop; hidden for units below the
threshold; a person counts once; other organisations' members and sessions not held count not."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from vangnet.core.app import installed_signal_sources
from vangnet.core.signal_sources import Quarter
from vangnet.workshops import services
from vangnet.workshops.models import Registration, Session

pytestmark = pytest.mark.django_db


def _session(world: Any, when: Any, *, held: bool = True) -> Any:
    session = services.session_create(actor=world.boss, offer=world.offer,
                                      starts_at=timezone.now() + timedelta(days=3),
                                      video_link="https://video.example.org/s")
    Session.objects.filter(pk=session.pk).update(starts_at=when, status="held" if held else "planned")
    return session


def _take_part(session: Any, people: list[Any], organisation: Any, unit: Any = None) -> None:
    for person in people:
        Registration.objects.create(session=session, membership=person, organisation=organisation,
                                    unit=unit or person.unit, status="registered")


def test_participation_share_per_unit_with_suppression(ready: Any) -> None:
    source = next(s for s in installed_signal_sources() if s.key == "workshops")
    when = timezone.make_aware(timezone.datetime(2026, 5, 12, 10, 0))
    quarter = Quarter.of(when.date())
    jeugd = ready.members(7, unit=ready.unit)  # plus the manager and one facilitator: 9 in Jeugd
    ict_few = ready.members(1, unit=ready.other_unit)  # ICT: 3 facilitators + 1 = 4, below 5
    first, second = _session(ready, when), _session(ready, when + timedelta(days=7))
    _take_part(first, jeugd[:3] + ict_few, ready.organisation)
    _take_part(second, jeugd[:1], ready.organisation)  # the same person again: counted once
    _take_part(_session(ready, when, held=False), jeugd[3:], ready.organisation)  # not held
    _take_part(first, ready.members(5, organisation=ready.joining), ready.joining)  # theirs
    figures = {(f.unit_id, f.quarter): f for f in source.figures(
        organisation_id=ready.organisation.pk, quarters=[quarter])}
    in_jeugd = 7 + 1 + 1
    assert figures[(ready.unit.pk, quarter)].value == round(3 / in_jeugd * 100, 1)
    assert figures[(ready.unit.pk, quarter)].people == in_jeugd
    assert figures[(ready.other_unit.pk, quarter)].value is None  # 4 people: hidden
    everyone = ready.organisation.memberships.filter(is_active=True).count()
    assert figures[(None, quarter)].value == round(4 / everyone * 100, 1)
    next_quarter = quarter.next()
    later = {f.unit_id: f.value for f in source.figures(organisation_id=ready.organisation.pk,
                                                        quarters=[next_quarter])}
    assert later[ready.unit.pk] == 0.0  # nobody in the next quarter: a real zero, not missing
