"""What other apps may use of the quickscan (ADR 0060). Everything else here is internal."""

from __future__ import annotations

# --- for conduct ---
from .selectors import round_results, rounds_for_actor

__all__ = ["round_results", "rounds_for_actor"]
