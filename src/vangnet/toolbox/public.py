"""What other apps may use of the toolbox (ADR 0060). Everything else here is internal."""

from __future__ import annotations

# --- for conduct ---
from .pdf import render_pdf
from .selectors import session_get_for_actor

__all__ = ["render_pdf", "session_get_for_actor"]
