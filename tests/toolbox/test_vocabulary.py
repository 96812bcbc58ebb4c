"""One vocabulary across the product (issue 18), and "je" everywhere, also on the login pages.

- the code a reporter gets is the "meldcode" (never "ontvangstcode");
- the person a report is about is the "betrokkene" (never "beschuldigde", "beklaagde");
- a unit is an "afdeling of team" (never "eenheid");
- "ernaar", not "er naar" + verb;
- every word in the werkvormen and dilemmas that a B1 reader may not know is in the glossary.
"""

from __future__ import annotations

import gettext
import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import translation

from vangnet.toolbox.content import CONTENT_DIR, load_content
from vangnet.toolbox.glossary import matcher

SRC = Path(__file__).resolve().parents[2] / "src" / "vangnet"
FORBIDDEN = {
    "ontvangstcode": re.compile(r"\bontvangstcodes?\b", re.I),
    "beschuldigde": re.compile(r"\b(beschuldigden?|beklaagden?|aangeklaagden?)\b", re.I),
    "eenheid": re.compile(r"\beenhe(id|den)\b", re.I),
    "er naar": re.compile(r"\ber naar (?!boven|buiten|binnen|huis|voren|achteren)", re.I),
    "u (formal)": re.compile(r"(?<![\w.])(u|uw|uzelf)(?![\w.])", re.I),
}
# The glossary explains the synonyms people use; that one definition may name them.
GLOSSARY_EXPLAINS = {"betrokkene"}
# Words a B1 reader may not know. Each one that occurs in a werkvorm or dilemma must be linked to
# the glossary (as a term or one of its aliases).
HARD_WORDS = (
    "vertrouwenspersoon", "bedrijfsarts", "RI&E", "antidiscriminatievoorziening", "aangifte",
    "LHBTIQ+", "chronische ziekte", "toolboxmeeting", "boa", "passieve agressie", "cynisme",
    "preventiemedewerker", "redelijke aanpassingen", "Slachtofferhulp", "113", "ggz-instelling",
    "bijna-ongeval", "hybride werken", "maatje", "intervisie", "psychosociale risico's",
    "College voor de Rechten van de Mens", "ondernemingsraad", "klachtenregeling", "gedragscode",
    "collegiale opvang", "psychologische veiligheid", "hoor en wederhoor", "repercussie",
    "mobiliteitsplan", "herplaatsing", "casus", "omstander", "meldroute", "plan van aanpak",
    "klachtencommissie", "klokkenluider", "integriteit", "inclusie", "diversiteit", "meldcode",
)


def _dutch_content_texts() -> Iterator[tuple[str, str]]:
    bundle = load_content()
    for werkvorm in bundle.werkvormen:
        text = werkvorm.nl
        for value in (text.title, text.purpose, text.preparation, text.materials, text.why,
                      text.who_what_where, text.safety_note, *text.steps, *text.tips,
                      *text.debrief):
            yield f"werkvormen/{werkvorm.slug}", value
    for dilemma in bundle.dilemmas:
        text = dilemma.nl
        for value in (text.title, text.tension, text.situation, *text.questions,
                      *text.perspectives):
            yield f"dilemmas/{dilemma.slug}", value
    for term in bundle.glossary:
        if term.slug not in GLOSSARY_EXPLAINS:
            yield f"glossary/{term.slug}", term.nl.definition
    for item in bundle.faq:
        yield f"faq/{item.slug}", item.nl.question + "\n" + item.nl.answer
    for path in sorted((CONTENT_DIR / "quickscan").glob("*.toml")):
        yield f"quickscan/{path.name}", path.read_text(encoding="utf-8").split("[en]")[0]


def _dutch_catalogue_texts() -> Iterator[tuple[str, str]]:
    for path in sorted(SRC.rglob("locale/nl/LC_MESSAGES/django.mo")):
        with path.open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        for msgid, msgstr in catalogue.items():
            if msgid and isinstance(msgstr, str):
                yield f"{path.relative_to(SRC)} ({msgid!r:.60})", msgstr


@pytest.mark.parametrize("word", sorted(FORBIDDEN))
def test_dutch_texts_use_one_word_per_concept(word: str) -> None:
    pattern = FORBIDDEN[word]
    hits = [f"{where}: {text[:80]!r}" for where, text in
            [*_dutch_content_texts(), *_dutch_catalogue_texts()]
            if pattern.search(text.replace("a.u.b.", " u "))]
    assert hits == [], f"'{word}' is still used:\n" + "\n".join(hits)


def test_every_hard_word_in_werkvormen_and_dilemmas_is_in_the_glossary() -> None:
    term_matcher = matcher("nl")
    assert term_matcher.pattern is not None
    corpus = "\n".join(text for where, text in _dutch_content_texts()
                       if where.startswith(("werkvormen/", "dilemmas/"))).lower()
    used = [word for word in HARD_WORDS
            if re.search(rf"(?<![\w&-]){re.escape(word.lower())}(?![\w&-])", corpus)]
    assert len(used) >= 20
    missing = [word for word in used if not term_matcher.pattern.fullmatch(word)]
    assert missing == [], f"not in glossary.toml: {missing}"


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password/reset/",
                                  "/accounts/password/reset/done/"])
def test_login_pages_say_je(client: object, path: str) -> None:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="nl")  # type: ignore[attr-defined]
    assert response.status_code == 200
    text = _visible_text(response.content.decode())
    assert "wachtwoord" in text.lower()
    assert not FORBIDDEN["u (formal)"].search(text.replace("a.u.b.", " u ")), text


@pytest.mark.django_db
def test_a_failed_login_says_je(client: object) -> None:
    response = client.post("/accounts/login/",  # type: ignore[attr-defined]
                           {"login": "niemand@example.org", "password": "fout"},
                           HTTP_ACCEPT_LANGUAGE="nl")
    text = _visible_text(response.content.decode())
    assert not FORBIDDEN["u (formal)"].search(text), text


def test_password_rules_say_je() -> None:
    with translation.override("nl"), pytest.raises(ValidationError) as caught:
        password_validation.validate_password("1234")
    messages = " ".join(caught.value.messages)
    assert "wachtwoord" in messages.lower()
    assert not FORBIDDEN["u (formal)"].search(messages), messages


def _url_patterns(resolver: object, prefix: str = "") -> Iterator[str]:
    for entry in getattr(resolver, "url_patterns", []):
        route = prefix + str(entry.pattern)
        if hasattr(entry, "url_patterns"):
            yield from _url_patterns(entry, route)
        else:
            yield route


def test_urls_use_one_word_per_concept() -> None:
    """The addresses people see in their browser use the same words as the pages (issue 18: the
    case page's `…/beklaagde/` and the units' `…/eenheden/` were the last ones)."""
    from django.urls import get_resolver

    routes = list(_url_patterns(get_resolver()))
    assert any("/betrokkene/" in route for route in routes)
    assert any("afdelingen-en-teams/" in route for route in routes)
    hits = [route for route in routes for word in ("ontvangstcode", "beschuldigde", "eenheid")
            if FORBIDDEN[word].search(route.replace("/", " ").replace("-", " "))]
    assert hits == [], hits


def _model_labels() -> Iterator[tuple[str, str]]:
    from django.apps import apps

    with translation.override("nl"):
        for model in apps.get_models():
            if not model.__module__.startswith("vangnet."):
                continue
            meta = model._meta
            yield f"{meta.label}", str(meta.verbose_name)
            yield f"{meta.label}", str(meta.verbose_name_plural)
            for field in meta.get_fields():
                label = getattr(field, "verbose_name", None)
                if label:
                    yield f"{meta.label}.{field.name}", str(label)
                for value, choice in getattr(field, "choices", None) or []:
                    yield f"{meta.label}.{field.name}={value}", str(choice)


@pytest.mark.parametrize("word", ["ontvangstcode", "beschuldigde", "eenheid"])
def test_model_labels_use_one_word_per_concept(word: str) -> None:
    """Model names, field labels and choices show up in the admin, in forms and in exports."""
    hits = [f"{where}: {label!r}" for where, label in _model_labels()
            if FORBIDDEN[word].search(label)]
    assert hits == [], "\n".join(hits)


@pytest.mark.parametrize("app_label", ["conduct", "toolbox"])
def test_model_names_are_dutch(app_label: str) -> None:
    """Every model of these apps names itself (no English name made from the class name) and
    the name is in the Dutch catalogue (admin, audit and error pages show it)."""
    from django.apps import apps

    same_in_both = {"werkvorm"}  # a Dutch word the English texts use as well
    english = []
    for model in apps.get_app_config(app_label).get_models():
        if "verbose_name" not in model._meta.original_attrs:
            english.append(f"{model.__name__}: no verbose_name")
            continue
        with translation.override("en"):
            en = str(model._meta.verbose_name)
        with translation.override("nl"):
            nl = str(model._meta.verbose_name)
        if nl == en and en not in same_in_both:
            english.append(f"{model.__name__}: {nl!r} is not translated")
    assert english == [], english
