"""A text of an instrument in every language (ADR 0080): the quickscan, the pulse and later
instruments read their questions, scales and explanations from content files as `Texts`, and
`str()` gives the one of the current language (Dutch for every language but English)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

LANGUAGES = ("nl", "en")


def current_language() -> str:
    """"en" when the request speaks English, else "nl" (Dutch first)."""
    language = (get_language() or "nl")[:2]
    return language if language in LANGUAGES else "nl"


@dataclass(frozen=True)
class Texts:
    """A text in every language; `str()` gives the current language."""

    nl: str
    en: str

    def __str__(self) -> str:
        return self.en if current_language() == "en" else self.nl
