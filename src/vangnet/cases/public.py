"""What other apps may use of cases (ADR 0060). Everything else here is internal."""

from __future__ import annotations

# --- for conduct ---
from .stats import latest_published_year, published_yearly_report

__all__ = ["latest_published_year", "published_yearly_report"]
