"""What other apps may use of the pulse (ADR 0060, 0081). Everything else here is internal.

`scale_scores_in(organisation_id=, since=)`: scale scores per unit per closed wave, read from the
suppressed snapshots (a unit below the threshold never appears), for the signals app.
"""

from __future__ import annotations

from .selectors import UnitScaleScore, scale_scores_in

__all__ = ["UnitScaleScore", "scale_scores_in"]
