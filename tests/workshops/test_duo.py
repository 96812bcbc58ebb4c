"""The duo check: line + facilitation, and nobody leading their own team or line."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from vangnet.workshops import services
from vangnet.workshops.models import Facilitator

pytestmark = pytest.mark.django_db


def _f(world: Any, index: int) -> Facilitator:
    return Facilitator.objects.get(pool=world.pool, membership=world.facilitators[index])


def test_same_profile_warns_and_writes_nothing_until_confirmed(ready: Any) -> None:
    session = services.session_create(actor=ready.boss, offer=ready.offer, starts_at=ready.session.starts_at,
                                      video_link="https://video.example.org/c")
    result = services.duo_assign(actor=ready.boss, session=session, facilitator_a_id=_f(ready, 0).pk,
                                 facilitator_b_id=_f(ready, 1).pk)
    assert len(result.warnings) == 1 and "hetzelfde profiel" in result.warnings[0]
    session.refresh_from_db()
    assert session.facilitator_a_id is None
    services.duo_assign(actor=ready.boss, session=session, facilitator_a_id=_f(ready, 0).pk,
                        facilitator_b_id=_f(ready, 1).pk, confirmed=True)
    session.refresh_from_db()
    assert session.facilitator_a_id == _f(ready, 0).pk


def test_a_line_and_facilitation_mix_gives_no_warning(ready: Any) -> None:
    session = services.session_create(actor=ready.boss, offer=ready.offer, starts_at=ready.session.starts_at,
                                      video_link="https://video.example.org/c")
    result = services.duo_assign(actor=ready.boss, session=session, facilitator_a_id=_f(ready, 1).pk,
                                 facilitator_b_id=_f(ready, 3).pk)
    assert result.warnings == []


def test_leading_a_session_for_ones_own_team_warns(ready: Any) -> None:
    # Fay (index 2) is in Team Jeugd; an in-company session for Team Jeugd.
    session = services.session_create(actor=ready.boss, offer=ready.offer, starts_at=ready.session.starts_at,
                                      video_link="https://video.example.org/c", for_unit_id=ready.unit.pk)
    with translation.override("nl"):
        result = services.duo_assign(actor=ready.boss, session=session, facilitator_a_id=_f(ready, 0).pk,
                                     facilitator_b_id=_f(ready, 2).pk)
    assert result.warnings == ["Fay Begeleid zou een sessie leiden voor het eigen team of de eigen lijn."]


def test_the_pool_overview_shows_who_needs_a_refresher(ready: Any) -> None:
    from datetime import date

    from vangnet.workshops import selectors

    Facilitator.objects.filter(pk=_f(ready, 0).pk).update(trained_on=date(2020, 1, 1))
    Facilitator.objects.filter(pk=_f(ready, 1).pk).update(trained_on=date(2026, 6, 1))
    overview = selectors.pool_overview(actor=ready.boss, pool=ready.pool, today=date(2026, 12, 1))
    assert (overview.size, overview.trained, overview.line, overview.facilitation) == (4, 2, 2, 2)
    refresher = {row.facilitator.membership_id for row in overview.refresher}
    assert ready.facilitators[0].pk in refresher and ready.facilitators[1].pk not in refresher
