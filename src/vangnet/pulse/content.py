"""The pulse instrument as data (`content/pulse/instrument.toml`), validated on load: a missing
text, a duplicate code, an item on an unknown scale, a scale without a reverse-keyed item where one
is promised, or a werkvorm that does not exist raises `InstrumentError` (a test loads the file)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from vangnet.surveys.public import Texts

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
OPTIONS = 7
SCALE_VALUES = tuple(range(1, OPTIONS + 1))
CURRENT_VERSION = 1


class InstrumentError(ValueError):
    pass


@dataclass(frozen=True)
class Scale:
    code: str
    name: Texts
    explain: Texts
    werkvormen: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    code: str
    scale: str
    reverse: bool
    text: Texts
    werkvormen: tuple[str, ...]

    def keyed(self, answer: int) -> int:
        """The answer with a higher number always the safer one."""
        return OPTIONS + 1 - answer if self.reverse else answer


@dataclass(frozen=True)
class OpenQuestion:
    code: str
    max_length: int
    text: Texts
    help: Texts


@dataclass(frozen=True)
class Instrument:
    version: int
    minutes: int
    open_minimum: int
    based_on: Texts
    scales: tuple[Scale, ...]
    items: tuple[Item, ...]
    open: OpenQuestion
    options: tuple[tuple[int, Texts], ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    def items_of(self, scale: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scale == scale)

    def item(self, code: str) -> Item:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    def scale(self, code: str) -> Scale:
        for scale in self.scales:
            if scale.code == code:
                return scale
        raise KeyError(code)


def _texts(entry: dict[str, Any], key: str, where: str) -> Texts:
    try:
        nl, en = str(entry["nl"][key]).strip(), str(entry["en"][key]).strip()
    except (KeyError, TypeError) as error:
        raise InstrumentError(f"{where}: missing {key} in nl or en") from error
    if not nl or not en:
        raise InstrumentError(f"{where}: empty {key}")
    return Texts(nl=nl, en=en)


def load_instrument(content_dir: Path = CONTENT_DIR) -> Instrument:
    data = tomllib.loads((content_dir / "pulse" / "instrument.toml").read_text(encoding="utf-8"))
    known_werkvormen = {path.stem for path in (content_dir / "werkvormen").glob("*.toml")}
    try:
        scales = tuple(Scale(code=s["code"], name=_texts(s, "name", s["code"]),
                             explain=_texts(s, "explain", s["code"]),
                             werkvormen=tuple(s.get("werkvormen", ()))) for s in data["scale"])
        items = tuple(Item(code=i["code"], scale=i["scale"], reverse=bool(i["reverse"]),
                           text=_texts(i, "text", i["code"]),
                           werkvormen=tuple(i.get("werkvormen", ()))) for i in data["item"])
        question = data["open"]
        open_question = OpenQuestion(code=question["code"], max_length=int(question["max_length"]),
                                     text=_texts(question, "text", "open"),
                                     help=_texts(question, "help", "open"))
        options = tuple((int(o["value"]), Texts(nl=o["nl"], en=o["en"])) for o in data["option"])
        based_on = Texts(nl=data["based_on"]["nl"], en=data["based_on"]["en"])
        instrument = Instrument(version=int(data["version"]), minutes=int(data["minutes"]),
                                open_minimum=int(data["open_minimum"]), based_on=based_on,
                                scales=scales, items=items, open=open_question, options=options)
    except KeyError as error:
        raise InstrumentError(f"missing field {error}") from error
    codes = [item.code for item in items] + [open_question.code]
    if len(set(codes)) != len(codes) or len({s.code for s in scales}) != len(scales):
        raise InstrumentError("duplicate code")
    if {item.scale for item in items} - {s.code for s in scales}:
        raise InstrumentError("item on an unknown scale")
    if tuple(value for value, _text in options) != SCALE_VALUES:
        raise InstrumentError(f"the answer scale must be 1..{OPTIONS}")
    for name, slugs in [(s.code, s.werkvormen) for s in scales] + [(i.code, i.werkvormen)
                                                                   for i in items]:
        if set(slugs) - known_werkvormen:
            raise InstrumentError(f"{name}: unknown werkvorm {sorted(set(slugs) - known_werkvormen)}")
    return instrument


@lru_cache(maxsize=1)
def instrument() -> Instrument:
    return load_instrument()
