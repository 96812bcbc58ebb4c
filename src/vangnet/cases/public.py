"""What other apps may use of cases (ADR 0060). Everything else here is internal.

Apps above cases (the yearly review of the code of conduct, later signals) read the advisors'
yearly figures here: counts by category, unit and outcome, already suppressed below the anonymity
threshold, for those who may see statistics — never a case. The signals dashboard's advisor view
reads the open pattern signals here (`advisor_pattern_signals`: advisors only, ADR 0125).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .selectors import published_yearly_report_for
from .signal_sources import AdvisorPatternSignal, advisor_pattern_signals
from .stats import Breakdown, Measure, YearlyReport, latest_published_year

__all__ = ["AdvisorPatternSignal", "Breakdown", "Measure", "YearlyReport",
           "advisor_pattern_signals", "desk_view", "latest_published_year",
           "published_yearly_report_for"]


if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


def desk_view(request: HttpRequest) -> HttpResponse:
    """The external advisor's overview across clients, for the site's URLs (outside any one
    organisation). Imported lazily: the views pull in forms and templates."""
    from .views import desk  # noqa: PLC0415

    return desk(request)
