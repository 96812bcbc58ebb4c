"""What other apps may use of cases (ADR 0060). Everything else here is internal.

Apps above cases (the yearly review of the code of conduct, later signals) read the advisors'
yearly figures here: counts by category, unit and outcome, already suppressed below the anonymity
threshold, for those who may see statistics — never a case.
"""

from __future__ import annotations

from .selectors import published_yearly_report_for
from .stats import Breakdown, Measure, YearlyReport, latest_published_year

__all__ = ["Breakdown", "Measure", "YearlyReport", "latest_published_year",
           "published_yearly_report_for"]
