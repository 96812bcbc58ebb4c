"""Pulse API: a closed wave's results and a team's trend, for coordinators (session login), like
the quickscan's API (ADR 0110).

The figures are exactly those of the results page, the PDF and the CSV: the suppressed snapshot
through `selectors.wave_view`. A unit below the threshold is not named; only their number is given.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from vangnet.organisations.public import Actor, actor_for, memberships_of_user

from . import report, selectors
from .content import instrument
from .permissions import can_use_api

PREFIX = "pulse"
router = Router(tags=["pulse"])
MAX_ID = 2**53


class WaveOut(Schema):
    id: int
    title: str
    wave: int
    closed_at: str | None
    instrument_version: int


class ScaleFigures(Schema):
    n: int
    mean: float | None
    low: float | None
    high: float | None
    rwg_j: float | None = None
    agreement: str | None = None
    alpha: float | None = None


class UnitOut(Schema):
    unit_id: int | None
    name: str
    answers: int
    invited: int
    scales: dict[str, ScaleFigures]
    items: dict[str, list[int]]  # per statement: how many chose 1 … 7


class OrganisationOut(Schema):
    answers: int
    scales: dict[str, ScaleFigures]
    small_units_left_out: bool


class BetweenOut(Schema):
    icc1: float
    icc2: float
    k: float
    units: int


class ScaleOut(Schema):
    code: str
    name: str


class ResultsOut(Schema):
    wave: WaveOut
    threshold: int
    units: list[UnitOut]
    units_not_shown: int
    units_held_back_across_waves: int  # of those: too few people differ from an earlier wave
    organisation: OrganisationOut | None
    icc: dict[str, BetweenOut | None] | None
    open_answers: list[str]
    scales: list[ScaleOut]


class TrendFigures(Schema):
    mean: float
    low: float
    high: float
    respondents: int
    changed_beyond_uncertainty: bool


class TrendWaveOut(Schema):
    wave_id: int
    closed_at: str | None
    scales: dict[str, TrendFigures | None]  # None: too few answers in that wave
    agreed_actions: list[str]


class TrendOut(Schema):
    unit_id: int
    waves: list[TrendWaveOut]


class Problem(Schema):
    detail: str


def _coordinators(request: HttpRequest) -> list[Actor]:
    """Who asks comes first: only organisations where this person is a coordinator are looked
    at, so an outsider gets the same 404 for a wave that exists and one that does not."""
    return [actor for actor in (actor_for(m) for m in memberships_of_user(user=request.user))
            if can_use_api(actor)]


@router.get("/waves/{wave_id}/results", response={200: ResultsOut, 404: Problem, 409: Problem},
            auth=django_auth, summary="Results of a closed pulse wave (coordinators)")
def wave_results(request: HttpRequest, wave_id: int) -> Any:
    if not 0 < wave_id < MAX_ID:
        raise HttpError(404, "not found")
    for actor in _coordinators(request):
        try:
            round_ = selectors.round_get_for_actor(actor=actor, pk=wave_id)
        except Http404:
            continue
        if round_.is_open:
            raise HttpError(409, "the wave is still open; results exist once it is closed")
        view = selectors.wave_view(actor=actor, round_=round_)
        return report.wave_as_dict(view=view, instrument=instrument())
    raise HttpError(404, "not found")


@router.get("/units/{unit_id}/trend", response={200: TrendOut, 404: Problem}, auth=django_auth,
            summary="A department's or team's scores over all closed waves (coordinators)")
def unit_trend(request: HttpRequest, unit_id: int) -> Any:
    if not 0 < unit_id < MAX_ID:
        raise HttpError(404, "not found")
    for actor in _coordinators(request):
        try:
            points = selectors.unit_trend(actor=actor, unit_id=unit_id)
        except Http404:
            continue
        waves = report.trend_waves(points, instrument())
        return report.trend_as_dict(unit_id=unit_id, waves=waves)
    raise HttpError(404, "not found")
