"""What other apps may use of the toolbox (ADR 0060). Everything else here is internal.

The quickscan links its statements and action plan to werkvormen.
"""

from __future__ import annotations

from .selectors import werkvormen_by_slugs

__all__ = ["werkvormen_by_slugs"]
