"""The content files: complete, valid, and validated with one clear error listing every problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vangnet.toolbox.content import CONTENT_DIR, ContentError, load_content
from vangnet.toolbox.presets import PRESETS


def test_the_shipped_content_is_valid_and_complete() -> None:
    bundle = load_content()
    assert len(bundle.werkvormen) >= 24
    assert len(bundle.dilemmas) >= 20
    assert len(bundle.glossary) >= 30
    assert {item.audience for item in bundle.faq} == {"employee", "manager"}
    for werkvorm in bundle.werkvormen:
        for text in (werkvorm.nl, werkvorm.en):
            assert text.title and text.safety_note and text.steps, werkvorm.slug
        assert set(werkvorm.pillars) <= {1, 2, 3, 4}


def test_presets_fit_a_session_of_30_to_60_minutes() -> None:
    durations = {w.slug: w.duration_minutes for w in load_content().werkvormen}
    assert {p.pillar for p in PRESETS} == {1, 2, 3, 4}
    for preset in PRESETS:
        assert all(slug in durations for slug in preset.slugs)
        assert 30 <= sum(durations[slug] for slug in preset.slugs) <= 60


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def test_a_missing_field_and_a_broken_reference_are_both_reported(content_copy: Path) -> None:
    path = content_copy / "werkvormen" / "wekelijkse-check-in.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('related = ["werkdruk-check-in"', 'related = ["bestaat-niet"', 1)
    # Drop the Dutch safety note entirely.
    start = text.index("safety_note =")
    end = text.index('"""', text.index('"""', start) + 3) + 3
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    dilemma = content_copy / "dilemmas" / "grap-in-de-teamapp.toml"
    dilemma.write_text(dilemma.read_text(encoding="utf-8").replace(
        'setting = "technical"', 'setting = "ruimtevaart"'), encoding="utf-8")

    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    problems = "\n".join(caught.value.problems)
    assert "wekelijkse-check-in.toml [nl]: 'safety_note' is missing" in problems
    assert "related werkvorm 'bestaat-niet' does not exist" in problems
    assert "'setting' is 'ruimtevaart'" in problems
    assert len(caught.value.problems) >= 3


def test_unequal_step_counts_between_languages_are_reported(content_copy: Path) -> None:
    path = content_copy / "werkvormen" / "wekelijkse-check-in.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("steps = [\n", 'steps = [\n  "Een extra stap alleen in het Nederlands.",\n', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match="different number of steps"):
        load_content(content_copy)


def test_unknown_theme_and_glossary_reference_are_reported(content_copy: Path) -> None:
    themes = content_copy / "themes.toml"
    themes.write_text(themes.read_text(encoding="utf-8").replace(
        'slug = "werkdruk"', 'slug = "werkdruk-oud"'), encoding="utf-8")
    glossary = content_copy / "glossary.toml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace(
        'see_also = ["sociale-veiligheid", "pulsmeting"]', 'see_also = ["onbekend"]', 1),
        encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    problems = "\n".join(caught.value.problems)
    assert "theme 'werkdruk' does not exist" in problems
    assert "see_also 'onbekend' does not exist" in problems


def test_invalid_toml_is_reported_with_the_file_name(content_copy: Path) -> None:
    (content_copy / "werkvormen" / "kapot.toml").write_text("slug = ", encoding="utf-8")
    with pytest.raises(ContentError, match=r"kapot\.toml: cannot be read as TOML"):
        load_content(content_copy)


def test_load_content_command_is_idempotent(db: object) -> None:
    from io import StringIO

    from django.core.management import call_command

    from vangnet.toolbox.models import Werkvorm

    out = StringIO()
    call_command("load_content", stdout=out)
    count = Werkvorm.objects.filter(organisation__isnull=True).count()
    assert count == len(load_content().werkvormen)
    out = StringIO()
    call_command("load_content", stdout=out)
    assert "0 added, 0 updated" in out.getvalue()
    assert Werkvorm.objects.filter(organisation__isnull=True).count() == count


def test_load_content_check_changes_nothing(db: object) -> None:
    from io import StringIO

    from django.core.management import call_command

    from vangnet.toolbox.models import Werkvorm

    call_command("load_content", "--check", stdout=StringIO())
    assert not Werkvorm.objects.exists()


def test_werkvormen_recommended_by_the_quickscan_exist() -> None:
    """The quickscan links its statements to werkvormen by slug; a rename must not break that."""
    import tomllib

    path = CONTENT_DIR / "quickscan" / "statements.toml"
    if not path.exists():
        pytest.skip("no quickscan content")
    with path.open("rb") as handle:
        statements = tomllib.load(handle).get("statement", [])
    known = {w.slug for w in load_content().werkvormen}
    referenced = {slug for statement in statements for slug in statement.get("werkvormen", [])}
    assert referenced and referenced <= known, sorted(referenced - known)
