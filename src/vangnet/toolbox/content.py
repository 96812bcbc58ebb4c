"""The toolbox's own texts, read from `src/vangnet/content/` and validated as a whole.

Content is reviewed as data files (one TOML file per werkvorm and per dilemma). On load every file
is checked: required fields, types, allowed values, and references between files (related
werkvormen, themes, glossary "see also"). All problems are collected and raised together in one
`ContentError`, so a writer sees the whole list at once instead of fixing one error per run.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

PILLARS = (1, 2, 3, 4)
KINDS = ("exercise", "conversation-guide")
AUDIENCES = ("team", "manager", "one-to-one", "organisation")
SETTINGS = ("public", "youth-care", "technical", "office", "healthcare", "education", "enforcement",
            "neighbourhood")
FAQ_AUDIENCES = ("employee", "manager")
LANGUAGES = ("nl", "en")
# The werkvorm every dilemma page and card links to: how to discuss a dilemma safely.
DISCUSS_WERKVORM = "dilemma-bespreken"
SESSION_SAFETY_WERKVORM = "veilig-openen-en-afsluiten"


class ContentError(ValueError):
    """Every problem found in the content files, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in the toolbox content:\n"
            + "\n".join(f"- {p}" for p in problems)
        )


@dataclass(frozen=True)
class WerkvormText:
    title: str
    purpose: str
    preparation: str
    steps: tuple[str, ...]
    why: str
    who_what_where: str
    tips: tuple[str, ...]
    safety_note: str
    materials: str = ""
    debrief: tuple[str, ...] = ()


@dataclass(frozen=True)
class WerkvormData:
    slug: str
    kind: str
    pillars: tuple[int, ...]
    themes: tuple[str, ...]
    audience: tuple[str, ...]
    duration_minutes: int
    group_min: int
    group_max: int
    related: tuple[str, ...]
    nl: WerkvormText
    en: WerkvormText


@dataclass(frozen=True)
class DilemmaText:
    title: str
    situation: str
    questions: tuple[str, ...]
    perspectives: tuple[str, ...]
    tension: str = ""


@dataclass(frozen=True)
class DilemmaData:
    slug: str
    setting: str
    pillars: tuple[int, ...]
    themes: tuple[str, ...]
    werkvormen: tuple[str, ...]
    nl: DilemmaText
    en: DilemmaText
    # A dilemma is discussed with the werkvorm `DISCUSS_WERKVORM`; these are its defaults.
    duration_minutes: int = 30
    group_min: int = 4
    group_max: int = 12

    def text(self, language: str) -> DilemmaText:
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class ThemeData:
    slug: str
    nl: str
    en: str

    def name(self, language: str) -> str:
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class TermText:
    term: str
    definition: str


@dataclass(frozen=True)
class GlossaryTermData:
    slug: str
    see_also: tuple[str, ...]
    aliases_nl: tuple[str, ...]
    nl: TermText
    en: TermText
    aliases_en: tuple[str, ...] = ()

    def text(self, language: str) -> TermText:
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class FaqText:
    question: str
    answer: str


@dataclass(frozen=True)
class FaqItemData:
    slug: str
    audience: str
    nl: FaqText
    en: FaqText

    def text(self, language: str) -> FaqText:
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class PillarData:
    number: int
    nl: str
    en: str

    def title(self, language: str) -> str:
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class ContentBundle:
    werkvormen: tuple[WerkvormData, ...]
    dilemmas: tuple[DilemmaData, ...]
    themes: tuple[ThemeData, ...]
    glossary: tuple[GlossaryTermData, ...]
    faq: tuple[FaqItemData, ...]
    pillars: tuple[PillarData, ...] = field(default_factory=tuple)

    def theme_names(self, language: str) -> dict[str, str]:
        return {theme.slug: theme.name(language) for theme in self.themes}

    def pillar_titles(self, language: str) -> dict[int, str]:
        return {pillar.number: pillar.title(language) for pillar in self.pillars}

    def dilemma(self, slug: str) -> DilemmaData | None:
        return next((d for d in self.dilemmas if d.slug == slug), None)


class _Checker:
    """Reads typed values out of a TOML table and remembers what was wrong."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def string(self, table: dict[str, Any], key: str, where: str) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"'{key}' is missing or not a non-empty text")
            return ""
        return value.strip()

    def optional_string(self, table: dict[str, Any], key: str, where: str) -> str:
        value = table.get(key, "")
        if not isinstance(value, str):
            self.problem(where, f"'{key}' is not a text")
            return ""
        return value.strip()

    def integer(self, table: dict[str, Any], key: str, where: str, minimum: int = 0) -> int:
        value = table.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.problem(where, f"'{key}' is missing or not a whole number >= {minimum}")
            return minimum
        return value

    def strings(self, table: dict[str, Any], key: str, where: str, *, required: bool = True,
                allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = table.get(key, None if required else [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(where, f"'{key}' is missing or not a list of texts")
            return ()
        if required and not value:
            self.problem(where, f"'{key}' is empty")
        if allowed is not None:
            for item in value:
                if item not in allowed:
                    self.problem(where, f"'{key}' has unknown value '{item}' (allowed: {', '.join(allowed)})")
        return tuple(v.strip() for v in value)

    def pillars(self, table: dict[str, Any], where: str) -> tuple[int, ...]:
        value = table.get("pillars")
        if (not isinstance(value, list) or not value
                or not all(isinstance(v, int) and v in PILLARS for v in value)):
            self.problem(where, "'pillars' must be a non-empty list of numbers 1 to 4")
            return ()
        return tuple(value)

    def choice(self, table: dict[str, Any], key: str, where: str, allowed: tuple[str, ...]) -> str:
        value = self.string(table, key, where)
        if value and value not in allowed:
            self.problem(where, f"'{key}' is '{value}', expected one of: {', '.join(allowed)}")
        return value

    def language_table(self, table: dict[str, Any], language: str, where: str) -> dict[str, Any]:
        value = table.get(language)
        if not isinstance(value, dict):
            self.problem(where, f"the [{language}] table is missing")
            return {}
        return value


def _read_toml(path: Path, checker: _Checker) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        checker.problem(path.name, f"cannot be read as TOML ({error})")
        return {}


def _werkvorm_text(checker: _Checker, table: dict[str, Any], where: str) -> WerkvormText:
    return WerkvormText(
        title=checker.string(table, "title", where),
        purpose=checker.string(table, "purpose", where),
        preparation=checker.string(table, "preparation", where),
        steps=checker.strings(table, "steps", where),
        why=checker.string(table, "why", where),
        who_what_where=checker.string(table, "who_what_where", where),
        tips=checker.strings(table, "tips", where),
        safety_note=checker.string(table, "safety_note", where),
        # Every werkvorm says what to bring and which questions close it (issue 18).
        materials=checker.string(table, "materials", where),
        debrief=checker.strings(table, "debrief", where),
    )


def _load_werkvorm(path: Path, checker: _Checker) -> WerkvormData | None:
    data = _read_toml(path, checker)
    if not data:
        return None
    where = f"werkvormen/{path.name}"
    slug = checker.string(data, "slug", where)
    if slug and slug != path.stem:
        checker.problem(where, f"slug '{slug}' differs from the file name '{path.stem}'")
    nl = _werkvorm_text(checker, checker.language_table(data, "nl", where), f"{where} [nl]")
    en = _werkvorm_text(checker, checker.language_table(data, "en", where), f"{where} [en]")
    for name in ("steps", "tips", "debrief"):
        if len(getattr(nl, name)) != len(getattr(en, name)):
            checker.problem(where, f"[nl] and [en] have a different number of {name}")
    group_min = checker.integer(data, "group_min", where, minimum=1)
    group_max = checker.integer(data, "group_max", where, minimum=1)
    if group_max < group_min:
        checker.problem(where, "'group_max' is smaller than 'group_min'")
    return WerkvormData(
        slug=slug,
        kind=checker.choice(data, "kind", where, KINDS),
        pillars=checker.pillars(data, where),
        themes=checker.strings(data, "themes", where),
        audience=checker.strings(data, "audience", where, allowed=AUDIENCES),
        duration_minutes=checker.integer(data, "duration_minutes", where, minimum=1),
        group_min=group_min,
        group_max=group_max,
        related=checker.strings(data, "related", where, required=False),
        nl=nl,
        en=en,
    )


def _dilemma_text(checker: _Checker, table: dict[str, Any], where: str) -> DilemmaText:
    return DilemmaText(
        title=checker.string(table, "title", where),
        situation=checker.string(table, "situation", where),
        questions=checker.strings(table, "questions", where),
        perspectives=checker.strings(table, "perspectives", where),
        tension=checker.optional_string(table, "tension", where),
    )


def _load_dilemma(path: Path, checker: _Checker) -> DilemmaData | None:
    data = _read_toml(path, checker)
    if not data:
        return None
    where = f"dilemmas/{path.name}"
    slug = checker.string(data, "slug", where)
    if slug and slug != path.stem:
        checker.problem(where, f"slug '{slug}' differs from the file name '{path.stem}'")
    sizes = {key: checker.integer(data, key, where, minimum=1)
             for key in ("duration_minutes", "group_min", "group_max") if key in data}
    return DilemmaData(
        **sizes,
        slug=slug,
        setting=checker.choice(data, "setting", where, SETTINGS),
        pillars=checker.pillars(data, where),
        themes=checker.strings(data, "themes", where),
        werkvormen=checker.strings(data, "werkvormen", where, required=False),
        nl=_dilemma_text(checker, checker.language_table(data, "nl", where), f"{where} [nl]"),
        en=_dilemma_text(checker, checker.language_table(data, "en", where), f"{where} [en]"),
    )


def _load_themes(path: Path, checker: _Checker) -> tuple[ThemeData, ...]:
    data = _read_toml(path, checker)
    themes = []
    for index, table in enumerate(data.get("theme", [])):
        where = f"themes.toml theme #{index + 1}"
        themes.append(ThemeData(slug=checker.string(table, "slug", where),
                                nl=checker.string(table, "nl", where),
                                en=checker.string(table, "en", where)))
    return tuple(themes)


def _load_glossary(path: Path, checker: _Checker) -> tuple[GlossaryTermData, ...]:
    data = _read_toml(path, checker)
    terms = []
    for index, table in enumerate(data.get("term", [])):
        where = f"glossary.toml term #{index + 1} ({table.get('slug', '?')})"
        texts = {}
        for language in LANGUAGES:
            lang_table = checker.language_table(table, language, where)
            texts[language] = TermText(term=checker.string(lang_table, "term", f"{where} [{language}]"),
                                       definition=checker.string(lang_table, "definition",
                                                                 f"{where} [{language}]"))
        terms.append(GlossaryTermData(
            slug=checker.string(table, "slug", where),
            see_also=checker.strings(table, "see_also", where, required=False),
            aliases_nl=checker.strings(table, "aliases_nl", where, required=False),
            aliases_en=checker.strings(table, "aliases_en", where, required=False),
            nl=texts["nl"], en=texts["en"],
        ))
    return tuple(terms)


def _load_faq(path: Path, checker: _Checker) -> tuple[FaqItemData, ...]:
    data = _read_toml(path, checker)
    items = []
    for index, table in enumerate(data.get("item", [])):
        where = f"faq.toml item #{index + 1} ({table.get('slug', '?')})"
        texts = {}
        for language in LANGUAGES:
            lang_table = checker.language_table(table, language, where)
            label = f"{where} [{language}]"
            texts[language] = FaqText(question=checker.string(lang_table, "question", label),
                                      answer=checker.string(lang_table, "answer", label))
        items.append(FaqItemData(slug=checker.string(table, "slug", where),
                                 audience=checker.choice(table, "audience", where, FAQ_AUDIENCES),
                                 nl=texts["nl"], en=texts["en"]))
    return tuple(items)


def _load_pillars(path: Path, checker: _Checker) -> tuple[PillarData, ...]:
    if not path.exists():
        return tuple(PillarData(number=n, nl=str(n), en=str(n)) for n in PILLARS)
    data = _read_toml(path, checker)
    pillars = []
    for table in data.get("pillar", []):
        where = f"quickscan/pillars.toml pillar {table.get('number', '?')}"
        nl = checker.language_table(table, "nl", where)
        en = checker.language_table(table, "en", where)
        pillars.append(PillarData(number=checker.integer(table, "number", where, minimum=1),
                                  nl=checker.string(nl, "title", where),
                                  en=checker.string(en, "title", where)))
    return tuple(pillars)


def _duplicates(slugs: list[str], where: str, checker: _Checker) -> None:
    seen: set[str] = set()
    for slug in slugs:
        if slug in seen:
            checker.problem(where, f"slug '{slug}' is used twice")
        seen.add(slug)


def _check_references(bundle: ContentBundle, checker: _Checker) -> None:
    werkvorm_slugs = {w.slug for w in bundle.werkvormen}
    theme_slugs = {t.slug for t in bundle.themes}
    term_slugs = {t.slug for t in bundle.glossary}
    _duplicates([w.slug for w in bundle.werkvormen], "werkvormen", checker)
    _duplicates([d.slug for d in bundle.dilemmas], "dilemmas", checker)
    _duplicates([t.slug for t in bundle.themes], "themes.toml", checker)
    _duplicates([t.slug for t in bundle.glossary], "glossary.toml", checker)
    _duplicates([f.slug for f in bundle.faq], "faq.toml", checker)
    for werkvorm in bundle.werkvormen:
        where = f"werkvormen/{werkvorm.slug}.toml"
        for slug in werkvorm.related:
            if slug not in werkvorm_slugs:
                checker.problem(where, f"related werkvorm '{slug}' does not exist")
            if slug == werkvorm.slug:
                checker.problem(where, "a werkvorm cannot be related to itself")
        for slug in werkvorm.themes:
            if slug not in theme_slugs:
                checker.problem(where, f"theme '{slug}' does not exist in themes.toml")
    for dilemma in bundle.dilemmas:
        where = f"dilemmas/{dilemma.slug}.toml"
        for slug in dilemma.werkvormen:
            if slug not in werkvorm_slugs:
                checker.problem(where, f"werkvorm '{slug}' does not exist")
        for slug in dilemma.themes:
            if slug not in theme_slugs:
                checker.problem(where, f"theme '{slug}' does not exist in themes.toml")
    for slug in (DISCUSS_WERKVORM, SESSION_SAFETY_WERKVORM):
        if bundle.dilemmas and slug not in werkvorm_slugs:
            checker.problem("dilemmas", f"the werkvorm '{slug}' that every dilemma links to is missing")
    for term in bundle.glossary:
        for slug in term.see_also:
            if slug not in term_slugs:
                checker.problem(f"glossary.toml ({term.slug})", f"see_also '{slug}' does not exist")


def load_content(directory: Path = CONTENT_DIR) -> ContentBundle:
    """Read and validate every toolbox content file; raise `ContentError` listing all problems."""
    checker = _Checker()
    werkvormen = [_load_werkvorm(p, checker) for p in sorted((directory / "werkvormen").glob("*.toml"))]
    dilemmas = [_load_dilemma(p, checker) for p in sorted((directory / "dilemmas").glob("*.toml"))]
    bundle = ContentBundle(
        werkvormen=tuple(w for w in werkvormen if w is not None),
        dilemmas=tuple(d for d in dilemmas if d is not None),
        themes=_load_themes(directory / "themes.toml", checker),
        glossary=_load_glossary(directory / "glossary.toml", checker),
        faq=_load_faq(directory / "faq.toml", checker),
        pillars=_load_pillars(directory / "quickscan" / "pillars.toml", checker),
    )
    _check_references(bundle, checker)
    if checker.problems:
        raise ContentError(checker.problems)
    return bundle


@lru_cache(maxsize=1)
def content() -> ContentBundle:
    """The validated built-in content, read once per process (the files ship with the code)."""
    return load_content()
