"""The inputs of the yearly review, as aggregates that their own apps already suppressed:
quickscan pillar 1 (shared norms) of the last closed round, the categories of the cases'
last published yearly report, and the pulse's trends. An app that is not installed contributes
nothing.

The pulse seam (issue 15; the pulse app is built separately): when `vangnet.pulse` is installed,
its public face offers `review_trends(*, actor) -> Sequence[<label, display>]`: the trends that
belong to a review of the code (shared norms, how people treat each other), each already through
`core.anonymity` in the pulse app and already limited to what this actor may see. Conduct only
shows them; it computes nothing about people itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Protocol

from django.apps import apps
from django.core.exceptions import PermissionDenied

from vangnet.organisations.public import Actor, organisation_get_public

from . import permissions


@dataclass(frozen=True)
class Figure:
    label: str
    display: str


class Trend(Protocol):
    """What conduct reads of one pulse trend: a label and a display that is already suppressed."""

    @property
    def label(self) -> object: ...

    @property
    def display(self) -> object: ...


class TrendSource(Protocol):
    def __call__(self, *, actor: Actor) -> Sequence[Trend]: ...


PULSE_APP = "vangnet.pulse"
PULSE_SOURCE = "review_trends"


@dataclass
class ReviewInputs:
    quickscan_title: str = ""
    quickscan: list[Figure] = field(default_factory=list)
    cases_year: int | None = None
    cases: list[Figure] = field(default_factory=list)
    pulse: list[Figure] = field(default_factory=list)


def _quickscan(actor: Actor, inputs: ReviewInputs) -> None:
    from vangnet.quickscan.public import round_results, rounds_for_actor  # noqa: PLC0415 - optional app

    # The organisation's own quickscan: not a unit's round (ADR 0116), not one person's own.
    closed = rounds_for_actor(actor=actor).filter(status="closed", kind="groups",
                                                  unit_name="").first()
    if closed is None:
        return
    results = round_results(round_=closed)
    inputs.quickscan_title = closed.title
    for pillar in results.pillars:
        if pillar.number == 1:
            display = "—" if pillar.overall is None else f"{pillar.overall:.1f}"
            inputs.quickscan.append(Figure(label=pillar.title, display=display))


def _cases(actor: Actor, inputs: ReviewInputs) -> None:
    from vangnet.cases.public import (  # noqa: PLC0415 - optional app
        latest_published_year,
        published_yearly_report_for,
    )

    year = latest_published_year()
    organisation = organisation_get_public(slug=actor.organisation_slug)
    try:
        report = published_yearly_report_for(actor=actor, year=year,
                                             organisation_name=organisation.name)
    except PermissionDenied:
        return  # only those who may see the advisors' statistics see them here
    if report is None or not report.total_cases.count:
        return  # no year published yet, or a year without cases: nothing to read
    inputs.cases_year = year
    for breakdown in report.breakdowns:
        if breakdown.slug == "category":
            inputs.cases = [Figure(label=row.label, display=row.cell.display)
                            for row in breakdown.rows]


def _pulse(actor: Actor, inputs: ReviewInputs) -> None:
    # By name, not by import statement: the pulse app may not exist in this installation.
    source: TrendSource | None = getattr(import_module(f"{PULSE_APP}.public"), PULSE_SOURCE, None)
    if source is None:
        return
    inputs.pulse = [Figure(label=str(trend.label), display=str(trend.display))
                    for trend in source(actor=actor)]


def review_inputs(*, actor: Actor) -> ReviewInputs:
    inputs = ReviewInputs()
    if not permissions.can_review(actor):
        return inputs
    if apps.is_installed("vangnet.quickscan"):
        _quickscan(actor, inputs)
    if apps.is_installed("vangnet.cases"):
        _cases(actor, inputs)
    if apps.is_installed(PULSE_APP):
        _pulse(actor, inputs)
    return inputs
