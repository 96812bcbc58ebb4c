"""core.events: typed events between apps, published in the announcing service's transaction."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass

import pytest

from vangnet.core.events import Event, publish, subscribe, subscribers, unsubscribe


@dataclass(frozen=True)
class Happened(Event):
    what: str


@dataclass(frozen=True)
class Other(Event):
    what: str


def test_subscribers_get_their_event_type_only_once_and_in_order() -> None:
    seen: list[str] = []

    def first(event: Happened) -> None:
        seen.append(f"first:{event.what}")

    def second(event: Happened) -> None:
        seen.append(f"second:{event.what}")

    subscribe(Happened, first)
    subscribe(Happened, second)
    subscribe(Happened, first)  # twice is once
    try:
        publish(Happened(what="a"))
        publish(Other(what="b"))  # nobody listens: nothing happens
    finally:
        unsubscribe(Happened, first)
        unsubscribe(Happened, second)
    assert seen == ["first:a", "second:a"]
    assert subscribers(Happened) == []


def test_events_cannot_be_changed_by_a_handler() -> None:
    with pytest.raises(FrozenInstanceError):
        Happened(what="a").what = "b"  # type: ignore[misc]


def test_the_apps_subscribe_to_what_they_need() -> None:
    """Cases opens a case for every report and routes answers; reporting follows role changes."""
    from vangnet.cases import services as cases
    from vangnet.organisations.events import MembershipChanged
    from vangnet.reporting import services as reporting
    from vangnet.reporting.events import QuestionAnswered, ReportSubmitted

    assert subscribers(ReportSubmitted) == [cases.on_report_submitted]
    assert subscribers(QuestionAnswered) == [cases.on_question_answered]
    assert subscribers(MembershipChanged) == [reporting.on_membership_changed]
