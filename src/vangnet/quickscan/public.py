"""What other apps may use of the quickscan (ADR 0060). Everything else here is internal.

Cases turns a lesson learned into an action in the quickscan's action plan; the yearly review of
the code of conduct reads the results of the last closed round (suppressed per group).
"""

from __future__ import annotations

from .permissions import can_manage_actions
from .selectors import round_results, rounds_for_actor
from .services import action_create

__all__ = ["action_create", "can_manage_actions", "round_results", "rounds_for_actor"]
