"""What other apps may use of the toolbox (ADR 0060). Everything else here is internal.

The quickscan links its statements and action plan to werkvormen; the code of conduct prints its
PDF the way the toolbox prints its cards, and links agreements to the team session they came from.
Workshops offer werkvormen from the list an organisation sees.
"""

from __future__ import annotations

from .pdf import render_pdf
from .selectors import session_get_for_actor, werkvormen_by_slugs, werkvormen_for_organisation

__all__ = [
    "render_pdf",
    "session_get_for_actor",
    "werkvormen_by_slugs",
    "werkvormen_for_organisation",
]
