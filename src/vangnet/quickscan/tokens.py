"""Links to a quickscan are tokens: only their hash is stored, so a database dump opens no round
(ADR 0021, 0053). Used by services (making links) and selectors (finding a link's round)."""

from __future__ import annotations

import hashlib
import secrets

# The one group of a solo round (a manager's own quick self-assessment).
SOLO_GROUP = "solo"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)
