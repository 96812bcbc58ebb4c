"""What instruments (quickscan, pulse, workshop evaluations) use of the survey engine (ADR 0060,
0080). The abstract models are the engine's published shape: an instrument's concrete tables
inherit them, so the engine's mechanics work on every instrument's rows. `Texts` is an
instrument's text in every language (questions, scales, explanations from its content files)."""

from __future__ import annotations

from .models import SurveyGroup, SurveyLink, SurveyResponse, SurveyRiskAcceptance, SurveyRound
from .selectors import link_get_open, shared_group_get_open
from .services import (
    DRAFT_RETENTION,
    MakeEmail,
    answers_merge,
    close,
    draft_for_link,
    draft_for_shared_link,
    drafts_delete_abandoned,
    links_add,
    links_send,
    rewrite_in_random_order,
    shared_link_set,
    submit_and_detach,
)
from .tables import SurveyTables
from .texts import Texts
from .tokens import hash_token, new_token

__all__ = [
    "DRAFT_RETENTION",
    "MakeEmail",
    "SurveyGroup",
    "SurveyLink",
    "SurveyResponse",
    "SurveyRiskAcceptance",
    "SurveyRound",
    "SurveyTables",
    "Texts",
    "answers_merge",
    "close",
    "draft_for_link",
    "draft_for_shared_link",
    "drafts_delete_abandoned",
    "hash_token",
    "link_get_open",
    "links_add",
    "links_send",
    "new_token",
    "rewrite_in_random_order",
    "shared_group_get_open",
    "shared_link_set",
    "submit_and_detach",
]
