"""Link glossary terms in running text to the glossary page, escaping everything else.

The markup is built piece by piece: every piece of the source text goes through `escape()`, and
only the anchors we build ourselves (with `format_html`) are trusted. So a text containing `<`
or `&` can never inject markup, whatever the content files or an organisation's own werkvorm say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .content import content

_PARENTHESIS = re.compile(r"^(?P<base>.+?)\s*\((?P<inner>[^)]+)\)\s*$")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
MIN_FORM_LENGTH = 3


@dataclass(frozen=True)
class TermMatcher:
    pattern: re.Pattern[str] | None
    slug_by_form: dict[str, str]


def _forms(term: str) -> list[str]:
    forms = [term]
    match = _PARENTHESIS.match(term)
    if match:
        forms += [match.group("base"), match.group("inner")]
    return forms


@lru_cache(maxsize=4)
def matcher(language: str) -> TermMatcher:
    """One regular expression per language with every term and alias, longest first."""
    slug_by_form: dict[str, str] = {}
    for term in content().glossary:
        text = term.text(language)
        aliases = term.aliases_en if language == "en" else term.aliases_nl
        for form in [*_forms(text.term), *aliases]:
            form = form.strip()
            if len(form) >= MIN_FORM_LENGTH:
                slug_by_form.setdefault(form.lower(), term.slug)
    if not slug_by_form:
        return TermMatcher(pattern=None, slug_by_form={})
    alternatives = "|".join(re.escape(f) for f in sorted(slug_by_form, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w&-])(?:{alternatives})(?![\w&-])", re.IGNORECASE)
    return TermMatcher(pattern=pattern, slug_by_form=slug_by_form)


def link_terms(text: str, *, glossary_url: str, language: str, seen: set[str] | None = None,
               exclude: str = "") -> SafeString:
    """Escape `text` and link the first occurrence of each glossary term (tracked in `seen`)."""
    seen = set() if seen is None else seen
    term_matcher = matcher(language)
    if term_matcher.pattern is None or not glossary_url:
        return escape(text)
    parts: list[str] = []
    position = 0
    for match in term_matcher.pattern.finditer(text):
        slug = term_matcher.slug_by_form.get(match.group(0).lower())
        if slug is None or slug in seen or slug == exclude:
            continue
        seen.add(slug)
        parts.append(escape(text[position:match.start()]))
        parts.append(format_html('<a class="vn-term utrecht-link" href="{}#term-{}">{}</a>',
                                 glossary_url, slug, match.group(0)))
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped or format_html


def paragraphs(text: str, *, glossary_url: str, language: str, seen: set[str] | None = None,
               exclude: str = "") -> SafeString:
    """Blank lines become paragraphs, single newlines line breaks; terms linked as above."""
    seen = set() if seen is None else seen
    blocks = []
    for block in _PARAGRAPH_BREAK.split(text.strip()):
        if not block.strip():
            continue
        lines = [link_terms(line, glossary_url=glossary_url, language=language, seen=seen,
                            exclude=exclude) for line in block.strip().split("\n")]
        blocks.append(format_html('<p class="utrecht-paragraph">{}</p>',
                                  mark_safe("<br>".join(lines))))  # noqa: S308 - linked lines are safe
    return mark_safe("".join(blocks))  # noqa: S308 - built from format_html pieces
