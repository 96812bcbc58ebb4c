"""What other apps may use of the code of conduct (ADR 0060). Everything else here is internal.

Conduct sits above cases: no other app imports it. Lower apps reach it by URL name only
(`conduct:code`, `conduct:session_agreements`), and it hears of new members through the
`member_joined` event of organisations. What it offers here is for apps above it and for tools:
whether a member still has to acknowledge the published code, and the team's agreements.
"""

from __future__ import annotations

from .selectors import agreements_of, needs_acknowledgement, published_version

__all__ = ["agreements_of", "needs_acknowledgement", "published_version"]
