"""The dossier export's pure part (ADR 0079): which parts a consent covers, the passages a handler
can black out, and the sections that remain. No database, no keys, no PDF here.

A passage is a sentence (or a line) of one part, named by ``<part>:<index>``: the form and the
audit entry carry only these names, never the text. A redacted passage is *removed* from what
is rendered (a marker takes its place), so its text never reaches the PDF.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# A sentence ends at . ! ? (also followed by a closing quote or bracket) before white space;
# a line break always ends a passage.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"')\]’”])\s+")


def passages(text: str) -> list[str]:
    """The passages of a part, in order: its lines, each split into sentences; blank dropped."""
    found: list[str] = []
    for line in text.splitlines():
        for piece in _SENTENCE_END.split(line):
            piece = piece.strip()
            if piece:
                found.append(piece)
    return found


def passage_key(part: str, index: int) -> str:
    return f"{part}:{index}"


@dataclass(frozen=True)
class Passage:
    key: str
    text: str  # empty when redacted: the text is gone, not hidden
    redacted: bool


@dataclass(frozen=True)
class Section:
    part: str
    passages: tuple[Passage, ...]


def consented_parts(consent_parts: Iterable[str], order: Iterable[str]) -> list[str]:
    """The consented parts in the order reporters see them (unknown names are dropped)."""
    wanted = set(consent_parts)
    return [part for part in order if part in wanted]


def sections(*, contents: Mapping[str, str], parts: Iterable[str],
             redact: Iterable[str]) -> list[Section]:
    """Only `parts` (the consented ones), each cut into passages, the redacted ones emptied.
    A part the reporter left empty is left out."""
    blacked = set(redact)
    result: list[Section] = []
    for part in parts:
        pieces = passages(contents.get(part, ""))
        if not pieces:
            continue
        result.append(Section(part=part, passages=tuple(
            Passage(key=passage_key(part, i), text="" if passage_key(part, i) in blacked else piece,
                    redacted=passage_key(part, i) in blacked)
            for i, piece in enumerate(pieces))))
    return result


def unknown_keys(*, contents: Mapping[str, str], parts: Iterable[str],
                 redact: Iterable[str]) -> list[str]:
    """Redaction names that do not point at a passage of a consented part (tampering or a
    report that changed): the export refuses them rather than guess."""
    valid = {passage_key(part, i) for part in parts
             for i in range(len(passages(contents.get(part, ""))))}
    return sorted(set(redact) - valid)
