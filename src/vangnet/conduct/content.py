"""Vangnet's model code of conduct (content/conduct/model_code.toml), Dutch and English."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .models import SECTION_KEYS

# Werkvormen of the toolbox for discussing the code and the team's agreements; a team's routine
# with one of them is its rhythm for discussing them (the first one is proposed for a new routine).
DISCUSSION_WERKVORMEN = ("gedragscode-bespreken", "teamafspraken-maken", "digitaal-gedrag")

MODEL_CODE_PATH = Path(__file__).resolve().parent.parent / "content" / "conduct" / "model_code.toml"


@dataclass(frozen=True)
class ModelCode:
    title: str
    summary: str
    sections: dict[str, str]
    section_titles: dict[str, str]


def _language(language: str) -> str:
    return "en" if language.startswith("en") else "nl"


@cache
def _raw() -> dict:
    with MODEL_CODE_PATH.open("rb") as handle:
        data = tomllib.load(handle)
    keys = tuple(section["key"] for section in data["section"])
    if keys != SECTION_KEYS:
        raise ValueError(f"model code sections must be {SECTION_KEYS}, not {keys}")
    return data


def model_code(language: str) -> ModelCode:
    lang = _language(language)
    data = _raw()
    return ModelCode(
        title=data["meta"][f"title_{lang}"],
        summary=data["meta"][f"summary_{lang}"],
        sections={s["key"]: s[f"text_{lang}"].strip() for s in data["section"]},
        section_titles={s["key"]: s[f"title_{lang}"] for s in data["section"]},
    )


def section_titles(language: str) -> dict[str, str]:
    return model_code(language).section_titles


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]
