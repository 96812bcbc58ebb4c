"""What other apps may use of cases (ADR 0060). Everything else here is internal.

Apps above cases (the yearly review of the code of conduct, later signals) read the advisors'
yearly figures here: counts by category, unit and outcome, already suppressed below the anonymity
threshold, for those who may see statistics — never a case. The signals dashboard's advisor view
reads the open pattern signals here (`advisor_pattern_signals`: advisors only, ADR 0125).
"""

from __future__ import annotations

from .selectors import published_yearly_report_for
from .signal_sources import AdvisorPatternSignal, advisor_pattern_signals
from .stats import Breakdown, Measure, YearlyReport, latest_published_year

__all__ = ["AdvisorPatternSignal", "Breakdown", "Measure", "YearlyReport", "advisor_pattern_signals",
           "latest_published_year", "published_yearly_report_for"]
