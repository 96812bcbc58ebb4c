"""Events that reporting announces (core.events). Cases subscribes in its AppConfig."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vangnet.core.events import Event

if TYPE_CHECKING:
    from .models import DialogueQuestion, Report


@dataclass(frozen=True)
class ReportSubmitted(Event):
    """A report was stored (encrypted) for its recipients; cases opens a case for it."""

    report: Report


@dataclass(frozen=True)
class QuestionAnswered(Event):
    """The reporter answered a dialogue question; `question.ref` says whose question it is."""

    question: DialogueQuestion
    answer: str

    @property
    def ref(self) -> QuestionRef | None:
        return QuestionRef.decode(self.question.ref or "")


@dataclass(frozen=True)
class HandlerWrote(Event):
    """A handler wrote to the reporter (from any page): cases counts the first such message as
    the acknowledgement of receipt (issue 13). `kind` is the message kind ("text", ...)."""

    report: Report
    membership_id: int
    kind: str


@dataclass(frozen=True)
class QuestionRef:
    """Who asked a dialogue question and about what, so the answer finds its way back: the
    asking app (`app`), what kind of question (`kind`), the id of the row it is about, and for
    questions with several parts the part (`field`). Stored as text in DialogueQuestion.ref."""

    app: str
    kind: str
    object_id: int
    field: str = ""

    def encode(self) -> str:
        """As "cases.consent:12" or "cases.satisfaction:handled_well:12" (the format stored
        since the first release, so questions asked before typed refs still find their way)."""
        field = f"{self.field}:" if self.field else ""
        return f"{self.app}.{self.kind}:{field}{self.object_id}"

    @classmethod
    def decode(cls, text: str) -> QuestionRef | None:
        """The ref, or None for text that is not one (foreign or malformed refs never raise)."""
        head, _sep, rest = text.partition(":")
        app, dot, kind = head.partition(".")
        parts = rest.split(":")
        if not (app and dot and kind) or len(parts) > 2 or not parts[-1].isdigit():
            return None
        field = parts[0] if len(parts) == 2 else ""
        if len(parts) == 2 and not field:
            return None
        return cls(app=app, kind=kind, object_id=int(parts[-1]), field=field)
