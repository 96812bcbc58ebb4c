"""Conduct's "days since agreements were last discussed", read in two queries for any number of
quarters: per quarter, the last discussion on or before the quarter's end."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from vangnet.conduct.models import Discussion
from vangnet.core.app import installed_signal_sources
from vangnet.core.signal_sources import last_quarters

from .conftest import Org, today

pytestmark = pytest.mark.django_db


def test_days_since_discussion_per_quarter_in_constant_queries(
        org: Org, django_assert_max_num_queries: Any) -> None:
    source = next(s for s in installed_signal_sources() if s.key == "conduct")
    quarters = last_quarters(org.latest, 6)
    Discussion.objects.create(organisation=org.organisation, unit=org.jeugd,
                              held_on=quarters[-2].start + timedelta(days=3))
    earlier = today() - timedelta(days=500)  # the fixture's discussion of Team Jeugd

    def days(count: int) -> dict[Any, float | None]:
        figures = source.figures(organisation_id=org.organisation.pk,
                                 quarters=last_quarters(org.latest, count))
        return {f.quarter: f.value for f in figures
                if f.measure == "conduct.days_since_discussion" and f.unit_id == org.jeugd.pk}

    with django_assert_max_num_queries(20) as few:
        days(2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        found = days(6)
    for quarter in quarters:
        last = (quarters[-2].start + timedelta(days=3) if quarter >= quarters[-2] else earlier)
        if last > quarter.end:
            continue
        assert found[quarter] == float((quarter.end - last).days), quarter
