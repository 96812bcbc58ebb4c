"""The state machine as data, and the case timeline that is appended, never edited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vangnet.cases import services
from vangnet.cases.models import CaseEvent
from vangnet.cases.workflow import (
    OPEN_STATES,
    TRANSITIONS,
    State,
    TransitionNotAllowed,
    find_transition,
    transitions_from,
)

from .conftest import actor_of


def test_every_state_is_reachable_and_closed_can_reopen():
    reachable = {State.RECEIVED}
    frontier = [State.RECEIVED]
    while frontier:
        state = frontier.pop()
        for transition in transitions_from(state):
            if transition.target not in reachable:
                reachable.add(transition.target)
                frontier.append(transition.target)
    assert reachable == set(State.values)
    assert find_transition(State.CLOSED, "reopen").requires_reason
    assert all(t.requires_outcome for t in TRANSITIONS if t.target == State.CONCLUDED)


def test_formal_track_goes_through_investigation_decision_and_measures():
    path = ["acknowledge", "start_conversation", "file_complaint", "start_investigation", "decide",
            "take_measures", "conclude", "start_aftercare", "close"]
    state = State.RECEIVED
    for name in path:
        state = find_transition(state, name).target
    assert state == State.CLOSED


def test_a_step_that_does_not_exist_is_refused():
    with pytest.raises(TransitionNotAllowed):
        find_transition(State.RECEIVED, "close")
    with pytest.raises(TransitionNotAllowed):
        find_transition(State.INVESTIGATION, "acknowledge")
    assert State.CLOSED not in OPEN_STATES


@pytest.mark.django_db
def test_report_becomes_case_and_history_is_appended(submit, advisor):
    report, _code, case = submit()
    assert case.state == State.RECEIVED
    assert case.category == report.category
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.CREATED]
    actor = actor_of(advisor)
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="acknowledge")
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="start_conversation")
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="informal")
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="conclude", outcome="informal_solution")
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="close")
    case.refresh_from_db()
    assert not case.is_open and case.closed_at is not None
    with pytest.raises(ValidationError):
        services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="reopen", reason="")
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="reopen",
                             reason="Melder meldt nieuwe voorvallen")
    case.refresh_from_db()
    assert case.state == State.IN_CONVERSATION and case.is_open
    assert case.closed_at is None and case.retain_until is None
    changes = list(case.events.filter(kind=CaseEvent.Kind.STATUS)
                   .values_list("from_state", "to_state"))
    assert changes == [
        ("received", "acknowledged"), ("acknowledged", "in_conversation"),
        ("in_conversation", "informal"), ("informal", "concluded"), ("concluded", "closed"),
        ("closed", "in_conversation"),
    ]
    # Acknowledging told the reporter, and concluding planned the retaliation check-ins.
    assert report.messages.filter(kind="acknowledgement").exists()
    assert sorted(case.checkins.values_list("months_after", flat=True)) == [3, 6, 12]


@pytest.mark.django_db
def test_conclude_needs_an_outcome_and_outsiders_cannot_move_a_case(submit, advisor, hr,
                                                                     coordinator):
    _report, _code, case = submit()
    actor = actor_of(advisor)
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="acknowledge")
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="start_conversation")
    with pytest.raises(ValidationError):
        services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="conclude", outcome="")
    for outsider in (hr, coordinator):
        with pytest.raises(PermissionDenied):
            services.case_transition(actor=actor_of(outsider), case=case, name="informal")


@pytest.mark.django_db
def test_events_are_never_edited_by_services(submit, advisor):
    _report, _code, case = submit()
    first = case.events.get()
    services.case_transition(actor=actor_of(advisor), private_key=advisor.private_key, case=case, name="acknowledge")
    first_again = CaseEvent.objects.get(pk=first.pk)
    assert (first_again.kind, first_again.created_at) == (first.kind, first.created_at)
    assert case.events.count() == 2
