"""What other apps may use of workshops (ADR 0060, ADR 0085). Everything else here is internal.

`participation_per_unit(organisation_id=...)`: workshop participation of one organisation's
members per quarter and per unit, already suppressed by `core.anonymity` (for the signals app).
"""

from __future__ import annotations

from .selectors import participation_per_unit

__all__ = ["participation_per_unit"]
