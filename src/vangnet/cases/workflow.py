"""The life of a case as data: its states and the transitions allowed between them.

Views and services never compare states by hand: they ask `transitions_from(state)` and call
`services.case_transition`, which checks the move against this table and appends a `CaseEvent`.
History is never edited; reopening is a transition like any other, with a required reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Receipt confirmed")
    IN_CONVERSATION = "in_conversation", _("In conversation / advice")
    INFORMAL = "informal", _("Informal track (conversation, mediation)")
    COMPLAINT_FILED = "complaint_filed", _("Formal complaint filed")
    INVESTIGATION = "investigation", _("Investigation")
    DECISION = "decision", _("Decision")
    MEASURES = "measures", _("Measures")
    REFERRED_INTERNAL = "referred_internal", _("Referred within the organisation")
    REFERRED_EXTERNAL = "referred_external", _("Referred to an external body")
    CONCLUDED = "concluded", _("Concluded")
    AFTERCARE = "aftercare", _("Aftercare")
    CLOSED = "closed", _("Closed")


class Track(models.TextChoices):
    NONE = "", _("Not chosen yet")
    INFORMAL = "informal", _("Informal")
    FORMAL = "formal", _("Formal")
    REFERRED = "referred", _("Referred")


class Outcome(models.TextChoices):
    """Outcomes as advisors count them in their yearly reports (DOMAIN.md)."""

    ADVICE = "advice", _("Listening and advice only")
    REFERRAL = "referral", _("Referral")
    INFORMAL_SOLUTION = "informal_solution", _("Informal solution (conversation, mediation)")
    FORMAL_COMPLAINT = "formal_complaint", _("Formal complaint")
    WRONGDOING = "wrongdoing", _("Report of wrongdoing")
    OTHER = "other", _("Other")


# States in which the legal terms are still running and the case shows up as "open".
OPEN_STATES = frozenset(
    {
        State.RECEIVED, State.ACKNOWLEDGED, State.IN_CONVERSATION, State.INFORMAL,
        State.COMPLAINT_FILED, State.INVESTIGATION, State.DECISION, State.MEASURES,
        State.REFERRED_INTERNAL, State.REFERRED_EXTERNAL,
    }
)
FINISHED_STATES = frozenset({State.CONCLUDED, State.AFTERCARE, State.CLOSED})

TRACK_OF_STATE: dict[str, str] = {
    State.INFORMAL: Track.INFORMAL,
    State.COMPLAINT_FILED: Track.FORMAL,
    State.INVESTIGATION: Track.FORMAL,
    State.DECISION: Track.FORMAL,
    State.MEASURES: Track.FORMAL,
    State.REFERRED_INTERNAL: Track.REFERRED,
    State.REFERRED_EXTERNAL: Track.REFERRED,
}


@dataclass(frozen=True)
class Transition:
    name: str
    source: str
    target: str
    label: Any  # lazy: translated when shown
    requires_reason: bool = False
    requires_outcome: bool = False


def _t(name: str, source: str, target: str, label: Any, **flags: bool) -> Transition:
    return Transition(name=name, source=source, target=target, label=label, **flags)


_CHOOSE_TRACK = [
    ("informal", State.INFORMAL, _("Start the informal track")),
    ("file_complaint", State.COMPLAINT_FILED, _("A formal complaint has been filed")),
    ("refer_internal", State.REFERRED_INTERNAL, _("Refer within the organisation")),
    ("refer_external", State.REFERRED_EXTERNAL, _("Refer to an external body")),
]

TRANSITIONS: tuple[Transition, ...] = (
    _t("acknowledge", State.RECEIVED, State.ACKNOWLEDGED, _("Confirm receipt")),
    _t("start_conversation", State.ACKNOWLEDGED, State.IN_CONVERSATION,
       _("Start the conversation")),
    *(_t(name, source, target, label) for source in (State.ACKNOWLEDGED, State.IN_CONVERSATION)
      for name, target, label in _CHOOSE_TRACK),
    _t("start_investigation", State.COMPLAINT_FILED, State.INVESTIGATION,
       _("Start the investigation")),
    _t("decide", State.INVESTIGATION, State.DECISION, _("Record that a decision was taken")),
    _t("take_measures", State.DECISION, State.MEASURES, _("Measures are being taken")),
    _t("escalate_to_formal", State.INFORMAL, State.COMPLAINT_FILED,
       _("The informal track did not work: complaint filed")),
    *(_t("conclude", source, State.CONCLUDED, _("Conclude the case"), requires_outcome=True)
      for source in (State.IN_CONVERSATION, State.INFORMAL, State.COMPLAINT_FILED,
                     State.DECISION, State.MEASURES, State.REFERRED_INTERNAL,
                     State.REFERRED_EXTERNAL)),
    _t("start_aftercare", State.CONCLUDED, State.AFTERCARE, _("Start aftercare")),
    _t("close", State.CONCLUDED, State.CLOSED, _("Close the case")),
    _t("close", State.AFTERCARE, State.CLOSED, _("Close the case")),
    *(_t("reopen", source, State.IN_CONVERSATION, _("Reopen the case"), requires_reason=True)
      for source in (State.CONCLUDED, State.AFTERCARE, State.CLOSED)),
)


class TransitionNotAllowed(Exception):
    """The requested move does not exist from the current state."""


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == state]


def find_transition(state: str, name: str) -> Transition:
    for transition in TRANSITIONS:
        if transition.source == state and transition.name == name:
            return transition
    raise TransitionNotAllowed(f"{name!r} is not allowed from {state!r}")


def track_for(state: str, current_track: str) -> str:
    """The track follows the furthest formal step; referral or informal once chosen stays shown."""
    return TRACK_OF_STATE.get(state, current_track)


def is_open(state: str) -> bool:
    return state in OPEN_STATES
