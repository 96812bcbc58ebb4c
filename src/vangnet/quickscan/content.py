"""The quickscan instrument as data: pillars, statements, answer scale, groups and intro texts.

Read from `src/vangnet/content/quickscan/*.toml` and validated on load: a missing field, a duplicate
code, a statement pointing at an unknown pillar or at a werkvorm that does not exist in
`content/werkvormen/` raises `InstrumentError` (a test loads the real files).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from vangnet.surveys.public import Texts

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
LANGUAGES = ("nl", "en")
DONT_KNOW = 0
SCALE_VALUES = (1, 2, 3, 4, 5)
# Version 2 (issue 18) split double-barrelled statements, added reverse-keyed ones and asks only
# what the respondent can know. A round keeps the version it was answered on (Round.instrument_version).
CURRENT_VERSION = 2
VERSIONS = (1, 2)
STATEMENT_FILES = {1: "statements_v1.toml", 2: "statements.toml"}


class InstrumentError(ValueError):
    pass


@dataclass(frozen=True)
class Pillar:
    number: int
    title: Texts
    description: Texts


@dataclass(frozen=True)
class Statement:
    code: str
    pillar: int
    topic: str
    werkvormen: tuple[str, ...]
    text: Texts
    action: Texts
    # Reverse-keyed: agreeing is the worse answer; scored as 6 - answer (1 <-> 5, 3 stays).
    reverse: bool = False
    # The version 1 statement that asks the same thing (comparable across versions), if any.
    same_as: str = ""

    def keyed(self, answer: int) -> int:
        """The answer as scored: reverse-keyed answers turned round; "weet ik niet" stays 0."""
        if self.reverse and answer in SCALE_VALUES:
            return SCALE_VALUES[-1] + 1 - answer
        return answer


@dataclass(frozen=True)
class ScaleOption:
    value: int
    label: Texts


@dataclass(frozen=True)
class GroupKind:
    slug: str
    name: Texts


@dataclass(frozen=True)
class Instrument:
    pillars: tuple[Pillar, ...]
    statements: tuple[Statement, ...]
    scale: tuple[ScaleOption, ...]
    groups: tuple[GroupKind, ...]
    intro: Texts
    solo_note: Texts
    version: int = CURRENT_VERSION

    def intro_text(self, threshold: int) -> str:
        """The respondent intro in the current language, with the real count and threshold."""
        return str(self.intro).format(count=len(self.statements), threshold=threshold)

    def statements_of(self, pillar: int) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.pillar == pillar)

    def statement(self, code: str) -> Statement:
        for statement in self.statements:
            if statement.code == code:
                return statement
        raise KeyError(code)

    def pillar(self, number: int) -> Pillar:
        for pillar in self.pillars:
            if pillar.number == number:
                return pillar
        raise KeyError(number)

    def group(self, slug: str) -> GroupKind | None:
        return next((g for g in self.groups if g.slug == slug), None)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.statements)


def _require(mapping: dict[str, Any], key: str, where: str, kind: type[Any] = str) -> Any:
    if key not in mapping:
        raise InstrumentError(f"{where}: missing field {key!r}")
    value = mapping[key]
    if not isinstance(value, kind) or (kind is str and not value.strip()):
        raise InstrumentError(f"{where}: field {key!r} must be a non-empty {kind.__name__}")
    return value


def _texts(entry: dict[str, Any], key: str, where: str) -> Texts:
    values = {}
    for language in LANGUAGES:
        block = entry.get(language)
        if not isinstance(block, dict):
            raise InstrumentError(f"{where}: missing [{language}] texts")
        values[language] = str(_require(block, key, f"{where} [{language}]")).strip()
    return Texts(**values)


def _read(directory: Path, name: str) -> dict[str, Any]:
    path = directory / name
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as error:
        raise InstrumentError(f"{path}: file missing") from error
    except tomllib.TOMLDecodeError as error:
        raise InstrumentError(f"{path}: {error}") from error


def load_instrument(content_dir: Path = CONTENT_DIR, version: int = CURRENT_VERSION) -> Instrument:
    """Read and validate the instrument (uncached; use `instrument()` in the product)."""
    if version not in STATEMENT_FILES:
        raise InstrumentError(f"unknown instrument version {version!r}")
    directory = content_dir / "quickscan"
    werkvorm_slugs = {path.stem for path in (content_dir / "werkvormen").glob("*.toml")}

    pillars = []
    for entry in _read(directory, "pillars.toml").get("pillar", []):
        number = _require(entry, "number", "pillar", int)
        where = f"pillar {number}"
        pillars.append(Pillar(number=number, title=_texts(entry, "title", where),
                              description=_texts(entry, "description", where)))
    numbers = [p.number for p in pillars]
    if not pillars or len(set(numbers)) != len(numbers):
        raise InstrumentError("pillars.toml: no pillars, or duplicate numbers")

    statements = []
    for entry in _read(directory, STATEMENT_FILES[version]).get("statement", []):
        code = _require(entry, "code", "statement")
        where = f"statement {code}"
        pillar = _require(entry, "pillar", where, int)
        if pillar not in numbers:
            raise InstrumentError(f"{where}: unknown pillar {pillar}")
        slugs = tuple(_require(entry, "werkvormen", where, list))
        for slug in slugs:
            if slug not in werkvorm_slugs:
                raise InstrumentError(f"{where}: werkvorm {slug!r} does not exist")
        statements.append(Statement(
            code=code, pillar=pillar, topic=_require(entry, "topic", where), werkvormen=slugs,
            text=_texts(entry, "text", where), action=_texts(entry, "action", where),
            reverse=entry.get("reverse", False) is True, same_as=str(entry.get("same_as", "")),
        ))
    codes = [s.code for s in statements]
    if len(set(codes)) != len(codes):
        raise InstrumentError("statements.toml: duplicate statement codes")
    for number in numbers:
        if not any(s.pillar == number for s in statements):
            raise InstrumentError(f"pillar {number} has no statements")

    scale = tuple(
        ScaleOption(value=_require(e, "value", "scale option", int),
                    label=_texts(e, "label", f"scale option {e.get('value')}"))
        for e in _read(directory, "scale.toml").get("option", [])
    )
    if sorted(o.value for o in scale) != [DONT_KNOW, *SCALE_VALUES]:
        raise InstrumentError("scale.toml: values must be 1-5 plus 0 (don't know)")

    groups = tuple(
        GroupKind(slug=_require(e, "slug", "group"), name=_texts(e, "name", f"group {e.get('slug')}"))
        for e in _read(directory, "groups.toml").get("group", [])
    )
    if not groups:
        raise InstrumentError("groups.toml: no groups")

    intro = _read(directory, "intro.toml")
    return Instrument(
        pillars=tuple(sorted(pillars, key=lambda p: p.number)),
        statements=tuple(statements),
        scale=scale,
        groups=groups,
        intro=_texts(intro, "intro", "intro.toml"),
        solo_note=_texts(intro, "solo_note", "intro.toml"),
        version=version,
    )


@lru_cache(maxsize=len(VERSIONS))
def instrument(version: int = CURRENT_VERSION) -> Instrument:
    """The instrument of one version (the current one unless a round was answered on another)."""
    return load_instrument(version=version)


def comparable_codes(old: Instrument, new: Instrument) -> dict[str, str]:
    """Statement code in `new` -> the code in `old` that asks the same thing (same pillar)."""
    if old.version == new.version:
        return {s.code: s.code for s in new.statements}
    old_pillar = {s.code: s.pillar for s in old.statements}
    return {s.code: s.same_as for s in new.statements
            if s.same_as and old_pillar.get(s.same_as) == s.pillar}
