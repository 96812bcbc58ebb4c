"""Links to a survey are tokens: only their hash is stored, so a database dump opens no round
(ADR 0021, 0053, 0080)."""

from __future__ import annotations

import hashlib
import secrets


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)
