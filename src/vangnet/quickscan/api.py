"""Quickscan API: the results of a closed round, for its coordinator (session login).

The figures are exactly those of the report page: the same suppressed `scoring.Results`.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from vangnet.organisations.public import actor_for, memberships_of_user

from . import report, selectors
from .permissions import can_manage_rounds

PREFIX = "quickscan"
router = Router(tags=["quickscan"])
MAX_ID = 2**53


class RoundOut(Schema):
    id: int
    title: str
    status: str
    kind: str
    closed_at: str | None
    statements_version: int = 2
    unit: str | None = None  # a round for this unit and the units below it; None: everyone


class GroupOut(Schema):
    key: str
    label: str
    respondents: int


class IntakeOut(Schema):
    label: str
    answers: str  # "< k" for a group with fewer than k answers
    through_shared_link: str
    status: str


class SharedRiskOut(Schema):
    accepted_by: str
    accepted_at: str
    statement: str
    reason: str


class PillarOut(Schema):
    number: int
    title: str
    score: float | None
    by_group: dict[str, float | None]


class StatementOut(Schema):
    code: str
    pillar: int
    text: str
    score: float | None
    reverse_keyed: bool = False  # agreeing is the worse answer; the score is already turned round
    distribution: dict[str, int] | None
    dont_know_share: float | None = None  # share (0–1) of "weet ik niet"
    by_group: dict[str, float | None]


class GapOut(Schema):
    subject: str
    code: str
    high_group: str
    low_group: str
    high_score: float | None
    low_score: float | None
    difference: float | None


class PriorityOut(Schema):
    code: str
    score: float | None
    gap: float | None
    werkvormen: list[str]
    action: str


class ResultsOut(Schema):
    round: RoundOut
    threshold: int
    respondents: int | None
    groups: list[GroupOut]
    groups_not_shown: list[str]
    intake: list[IntakeOut]
    shared_link_risk_accepted: SharedRiskOut | None
    pillars: list[PillarOut]
    statements: list[StatementOut]
    gaps: list[GapOut]
    priorities: list[PriorityOut]


class Problem(Schema):
    detail: str


@router.get("/rounds/{round_id}/results", response={200: ResultsOut, 404: Problem, 409: Problem},
            auth=django_auth, summary="Results of a closed quickscan round (coordinators)")
def round_results(request: HttpRequest, round_id: int) -> Any:
    if not 0 < round_id < MAX_ID:
        raise HttpError(404, "not found")
    # Who asks comes first: only the rounds of organisations where this person may manage rounds
    # are looked at, so an outsider gets the same 404 for a round that exists and one that does not.
    round_ = None
    for membership in memberships_of_user(user=request.user):
        actor = actor_for(membership)
        if not can_manage_rounds(actor):
            continue
        try:
            round_ = selectors.round_get_for_actor(actor=actor, pk=round_id, manage=True)
            break
        except Http404:
            continue
    if round_ is None:
        raise HttpError(404, "not found")
    if round_.is_open:
        raise HttpError(409, "the round is still open; results exist once it is closed")
    return report.results_as_dict(round_=round_,
                                  results=selectors.round_results(round_=round_))
