"""Links to a quickscan are tokens: only their hash is stored, so a database dump opens no round
(ADR 0021, 0053). The hashing is the survey engine's (ADR 0080); the quickscan's tables for it."""

from __future__ import annotations

from vangnet.surveys.public import SurveyTables, hash_token, new_token

from .models import RespondentToken, Response, Round, RoundGroup

# The one group of a solo round (a manager's own quick self-assessment).
SOLO_GROUP = "solo"

# The quickscan's tables on the survey engine.
TABLES = SurveyTables(round=Round, group=RoundGroup, link=RespondentToken, response=Response)

__all__ = ["SOLO_GROUP", "TABLES", "hash_token", "new_token"]
