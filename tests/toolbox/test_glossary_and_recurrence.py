"""Glossary linking (escaping!) and the dates of routines."""

from __future__ import annotations

from datetime import date

from vangnet.toolbox.glossary import link_terms, paragraphs
from vangnet.toolbox.recurrence import dates_between, next_date


def test_links_the_first_occurrence_of_a_term_only() -> None:
    html = link_terms("De vertrouwenspersoon luistert. Ook de vertrouwenspersoon zwijgt.",
                      glossary_url="/o/x/toolbox/begrippen/", language="nl")
    assert html.count('href="/o/x/toolbox/begrippen/#term-vertrouwenspersoon"') == 1
    assert html.count("vertrouwenspersoon") == 3  # two in text, one in the anchor


def test_aliases_and_case_are_recognised() -> None:
    html = link_terms("Het gaat over PSA en over sociaal veilige teams.",
                      glossary_url="/g/", language="nl")
    assert "#term-psychosociale-arbeidsbelasting" in html
    assert "#term-sociale-veiligheid" in html


def test_english_terms_link_in_english() -> None:
    html = link_terms("Talk to the confidential advisor first.", glossary_url="/g/", language="en")
    assert "#term-vertrouwenspersoon" in html


def test_markup_in_text_is_escaped() -> None:
    html = link_terms('<script>alert(1)</script> & pesten "x"', glossary_url="/g/", language="nl")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html and "&quot;x&quot;" in html
    assert '<a class="vn-term utrecht-link" href="/g/#term-pesten">pesten</a>' in html


def test_a_word_inside_another_word_is_not_linked() -> None:
    html = link_terms("Nazorgplan en ombudspesten", glossary_url="/g/", language="nl")
    assert "<a" not in html


def test_paragraphs_share_the_seen_set_and_split_blocks() -> None:
    seen: set[str] = set()
    html = paragraphs("Eerste alinea over pesten.\n\nTweede alinea\nover pesten.",
                      glossary_url="/g/", language="nl", seen=seen)
    assert html.count("<p") == 2 and "<br>" in html
    assert html.count("#term-pesten") == 1
    assert "pesten" in seen


def test_weekly_and_monthly_dates() -> None:
    assert dates_between(starts_on=date(2026, 1, 5), frequency="weekly",
                         first=date(2026, 1, 10), last=date(2026, 1, 31)) == [
        date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26)]
    # 31 January clips to the end of February and comes back to the 31st in March.
    assert dates_between(starts_on=date(2026, 1, 31), frequency="monthly",
                         first=date(2026, 1, 1), last=date(2026, 4, 30)) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert next_date(starts_on=date(2026, 1, 15), frequency="quarterly",
                     today=date(2026, 2, 1)) == date(2026, 4, 15)
    assert next_date(starts_on=date(2026, 1, 1), frequency="biweekly",
                     today=date(2026, 1, 15)) == date(2026, 1, 15)
