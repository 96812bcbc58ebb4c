"""What other apps may use of cases (ADR 0060). Everything else here is internal.

Cases sits at the top of the domain apps today and nothing imports it yet. Apps that will sit above
it (a yearly review of the code of conduct, signals) read the advisors' yearly figures here: counts
by category, unit and outcome, already suppressed below the anonymity threshold — never a case.
"""

from __future__ import annotations

from .selectors import published_yearly_report_for
from .stats import Breakdown, Measure, YearlyReport

__all__ = ["Breakdown", "Measure", "YearlyReport", "published_yearly_report_for"]
