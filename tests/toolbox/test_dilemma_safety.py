"""Every dilemma page and card carries the "safety first" block; every werkvorm a safety note.

The block is what a facilitator needs when someone recognises their own situation: pause, talk
apart, point to the confidential advisor, and a link to the werkvorm for discussing dilemmas.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from vangnet.toolbox.content import (
    CONTENT_DIR,
    DISCUSS_WERKVORM,
    SESSION_SAFETY_WERKVORM,
    ContentError,
    content,
    load_content,
)

SAFETY_MARK = "data-safety-first"


def _discuss_link(org_slug: str) -> str:
    return reverse("toolbox:werkvorm_detail", args=[org_slug, DISCUSS_WERKVORM])


@pytest.mark.django_db
def test_every_dilemma_page_has_the_safety_block_duration_and_group(team: Any,
                                                                   client_for: Any) -> None:
    client = client_for(team.employee)
    org = team.organisation
    for dilemma in content().dilemmas:
        page = client.get(reverse("toolbox:dilemma_detail", args=[org.slug, dilemma.slug]))
        assert page.status_code == 200, dilemma.slug
        html = page.content.decode()
        block = html[html.index(SAFETY_MARK):]
        block = block[:block.index("</section>")]
        assert "vertrouwenspersoon" in block, dilemma.slug
        assert "apart" in block, dilemma.slug
        assert _discuss_link(org.slug) in block, dilemma.slug
        assert reverse("toolbox:werkvorm_detail",
                       args=[org.slug, SESSION_SAFETY_WERKVORM]) in block, dilemma.slug
        meta = re.search(r"data-dilemma-meta>(.*?)</p>", html, re.S)
        assert meta is not None, dilemma.slug
        assert f"{dilemma.duration_minutes} minuten" in meta.group(1), dilemma.slug
        assert f"{dilemma.group_min} tot {dilemma.group_max} mensen" in meta.group(1), dilemma.slug


@pytest.mark.django_db
def test_every_dilemma_card_in_the_list_has_the_safety_block(team: Any, client_for: Any) -> None:
    html = client_for(team.employee).get(
        reverse("toolbox:dilemma_list", args=[team.organisation.slug])).content.decode()
    cards = html.split('<li class="vn-card">')[1:]
    assert len(cards) == len(content().dilemmas)
    for card in cards:
        assert SAFETY_MARK in card and "vertrouwenspersoon" in card
        assert _discuss_link(team.organisation.slug) in card


@pytest.mark.django_db
def test_the_safety_block_links_to_werkvormen_that_exist(team: Any, client_for: Any) -> None:
    client = client_for(team.employee)
    for slug in (DISCUSS_WERKVORM, SESSION_SAFETY_WERKVORM):
        page = client.get(reverse("toolbox:werkvorm_detail", args=[team.organisation.slug, slug]))
        assert page.status_code == 200, slug


@pytest.mark.django_db
def test_a_new_setting_filters_the_dilemmas(team: Any, client_for: Any) -> None:
    client = client_for(team.employee)
    html = client.get(reverse("toolbox:dilemma_list", args=[team.organisation.slug]),
                      {"setting": "enforcement"}).content.decode()
    expected = [d for d in content().dilemmas if d.setting == "enforcement"]
    assert len(expected) >= 2
    assert html.count('<li class="vn-card">') == len(expected)
    for dilemma in expected:
        assert dilemma.nl.title in html


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def test_a_werkvorm_without_a_safety_note_fails_validation(content_copy: Path) -> None:
    path = content_copy / "werkvormen" / "opvang-na-agressie.toml"
    text = path.read_text(encoding="utf-8")
    english = text.index("[en]")
    start = text.index("safety_note =", english)
    end = text.index('"""', text.index('"""', start) + 3) + 3
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert caught.value.problems == [
        "werkvormen/opvang-na-agressie.toml [en]: 'safety_note' is missing or not a non-empty text"]


@pytest.mark.parametrize("slug", ["gedragscode-bespreken", "wekelijkse-check-in"])
def test_a_werkvorm_without_materials_or_debrief_questions_fails_validation(
        content_copy: Path, slug: str) -> None:
    """The 28 werkvormen of the first edition got them too; none may lose them again."""
    path = content_copy / "werkvormen" / f"{slug}.toml"
    text = path.read_text(encoding="utf-8")
    dutch_end = text.index("[en]")
    materials = text.index("materials =")
    assert materials < dutch_end
    text = text[:materials] + text[text.index("\n", materials) + 1:]
    start = text.rindex("debrief = [")
    text = text[:start] + text[text.index("]", start) + 1:]
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert sorted(caught.value.problems) == sorted([
        f"werkvormen/{slug}.toml [nl]: 'materials' is missing or not a non-empty text",
        f"werkvormen/{slug}.toml [en]: 'debrief' is missing or not a list of texts",
        f"werkvormen/{slug}.toml: [nl] and [en] have a different number of debrief"])


def test_every_werkvorm_has_materials_and_debrief_questions_in_both_languages() -> None:
    bundle = load_content()
    assert len(bundle.werkvormen) >= 41
    lacking = [f"{w.slug} [{language}]" for w in bundle.werkvormen for language in ("nl", "en")
               if not getattr(w, language).materials or len(getattr(w, language).debrief) < 2]
    assert lacking == []


def test_dilemmas_fail_validation_without_the_werkvorm_their_safety_block_links_to(
        content_copy: Path) -> None:
    (content_copy / "werkvormen" / f"{DISCUSS_WERKVORM}.toml").unlink()
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert (f"dilemmas: the werkvorm '{DISCUSS_WERKVORM}' that every dilemma links to is missing"
            in caught.value.problems)


NEW_THEMES = ("leeftijd", "seksuele-intimidatie", "fysieke-veiligheid", "hybride-werk", "cynisme",
              "agressie-van-buitenaf", "sessie-begeleiden")


@pytest.mark.django_db
@pytest.mark.parametrize("theme", NEW_THEMES)
def test_new_theme_filters_find_werkvormen_and_dilemmas(team: Any, client_for: Any,
                                                        theme: str) -> None:
    client = client_for(team.employee)
    org = team.organisation.slug
    werkvormen = [w for w in content().werkvormen if theme in w.themes]
    dilemmas = [d for d in content().dilemmas if theme in d.themes]
    # Each theme the issue names has at least one werkvorm or two dilemmas.
    assert werkvormen or len(dilemmas) >= 2, theme
    listing = client.get(reverse("toolbox:werkvorm_list", args=[org]), {"theme": theme})
    html = listing.content.decode()
    for werkvorm in werkvormen:
        assert reverse("toolbox:werkvorm_detail", args=[org, werkvorm.slug]) in html, werkvorm.slug
    other = next(w for w in content().werkvormen if theme not in w.themes)
    assert reverse("toolbox:werkvorm_detail", args=[org, other.slug]) + '"' not in html
    html = client.get(reverse("toolbox:dilemma_list", args=[org]),
                      {"theme": theme}).content.decode()
    assert html.count('<li class="vn-card">') == len(dilemmas)


def test_every_werkvorm_of_the_second_edition_is_linked_from_a_quickscan_statement() -> None:
    """Issue 18: the new werkvormen are reached from the quickscan statements where they fit (a
    respondent's low score leads to them). The pulse links its own items (pulse app)."""
    statements = tomllib.loads((CONTENT_DIR / "quickscan" / "statements.toml")
                               .read_text(encoding="utf-8"))["statement"]
    linked = {slug for statement in statements for slug in statement["werkvormen"]}
    new = {"als-het-om-meer-gaat", "cynisme-en-stille-tegenwerking", "inwerken-op-afstand",
           "leeftijd-en-kansen", "online-in-kleine-groepen", "opvang-na-agressie",
           "risicos-samen-in-kaart", "ruimte-voor-wie-je-bent",
           "seksuele-intimidatie-bespreekbaar", "stop-het-werk-en-zeg-het",
           "twijfel-hardop-bij-een-ervaren-collega", "veilig-openen-en-afsluiten",
           "verbonden-op-afstand"}
    assert new <= {w.slug for w in load_content().werkvormen}
    assert sorted(new - linked) == []
