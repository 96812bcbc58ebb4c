"""What other apps may use of the pulse (ADR 0060, 0081). Everything else here is internal.

`scale_scores_in(organisation_id=, since=)`: scale scores per unit per closed wave, read from the
suppressed snapshots (a unit below the threshold never appears), for the signals app.
`review_trends(actor=)`: each scale's organisation figure in the last closed wave beside the one
before, for the yearly review of the code of conduct (conduct.review_inputs).
"""

from __future__ import annotations

from .selectors import ReviewTrend, UnitScaleScore, review_trends, scale_scores_in

__all__ = ["ReviewTrend", "UnitScaleScore", "review_trends", "scale_scores_in"]
