"""Which tables an instrument's survey lives in (ADR 0080)."""

from __future__ import annotations

from dataclasses import dataclass

from .models import SurveyGroup, SurveyLink, SurveyResponse, SurveyRound


@dataclass(frozen=True)
class SurveyTables:
    """The concrete tables of one instrument (see `surveys.models` for the conventions)."""

    round: type[SurveyRound]
    group: type[SurveyGroup]
    link: type[SurveyLink]
    response: type[SurveyResponse]
