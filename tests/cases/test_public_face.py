"""What cases offers other apps (cases/public.py): the advisors' yearly figures, suppressed, to
those who may see statistics — and nothing to anyone else (issue 11)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from vangnet.cases import public as cases
from vangnet.cases import stats
from vangnet.cases.models import YearlyFigures

from .conftest import actor_of

pytestmark = pytest.mark.django_db


def test_this_years_figures_are_not_there_while_the_year_can_change(submit, coordinator):
    _report, _code, case = submit()
    year = case.received_at.year
    assert not stats.is_published(year)  # published on a day of the next year
    assert cases.published_yearly_report_for(actor=actor_of(coordinator), year=year) is None


def test_a_published_year_is_read_frozen(coordinator):
    report = cases.published_yearly_report_for(actor=actor_of(coordinator), year=2020)
    assert isinstance(report, cases.YearlyReport)
    assert (report.year, report.total_cases.count) == (2020, 0)
    assert YearlyFigures.objects.filter(organisation_id=coordinator.organisation_id,
                                              year=2020).count() == 1


@pytest.mark.parametrize("fixture", ["employee", "hr"])
def test_people_without_the_statistics_right_get_nothing(request, fixture):
    member = request.getfixturevalue(fixture)
    with pytest.raises(PermissionDenied):
        cases.published_yearly_report_for(actor=actor_of(member), year=2020)
