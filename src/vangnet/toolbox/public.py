"""What other apps may use of the toolbox (ADR 0060). Everything else here is internal.

The quickscan links its statements and action plan to werkvormen; the code of conduct prints its
PDF the way the toolbox prints its cards, and links agreements to the team session they came from, and shows
the team's routine for discussing the code (a quarterly routine of a conduct werkvorm). Workshops offer
werkvormen from the list an organisation sees.
"""

from __future__ import annotations

from .pdf import render_pdf
from .selectors import (
    UpcomingRoutine,
    can_plan_for,
    routines_of_team,
    session_get_for_actor,
    werkvormen_by_slugs,
    werkvormen_for_organisation,
)

__all__ = ["UpcomingRoutine", "can_plan_for", "render_pdf", "routines_of_team",
           "session_get_for_actor", "werkvormen_by_slugs", "werkvormen_for_organisation"]
