"""The instrument's data files are complete and consistent; broken data fails loudly."""

from __future__ import annotations

import shutil

import pytest

from vangnet.quickscan.content import CONTENT_DIR, InstrumentError, load_instrument


@pytest.mark.parametrize(("version", "per_pillar"), [(1, [6, 6, 6, 6]), (2, [9, 8, 8, 7])])
def test_real_instrument_loads(version, per_pillar):
    instrument = load_instrument(version=version)
    assert instrument.version == version
    assert [p.number for p in instrument.pillars] == [1, 2, 3, 4]
    assert [len(instrument.statements_of(n)) for n in (1, 2, 3, 4)] == per_pillar
    assert sorted(o.value for o in instrument.scale) == [0, 1, 2, 3, 4, 5]
    for statement in instrument.statements:
        assert statement.text.nl and statement.text.en
        assert statement.action.nl and statement.action.en
        assert statement.werkvormen
    assert instrument.intro.nl and instrument.solo_note.en


@pytest.fixture
def content_copy(tmp_path):
    shutil.copytree(CONTENT_DIR / "quickscan", tmp_path / "quickscan")
    shutil.copytree(CONTENT_DIR / "werkvormen", tmp_path / "werkvormen")
    return tmp_path


def test_missing_field_fails(content_copy):
    path = content_copy / "quickscan" / "statements_v1.toml"
    text = path.read_text()
    # Drop the English action of the first statement.
    first_en_action = text.index('action = """Discuss goals')
    end = text.index('"""', first_en_action + len('action = """')) + 3
    path.write_text(text[:first_en_action] + text[end:])
    with pytest.raises(InstrumentError, match=r"statement 1\.1 \[en\]: missing field 'action'"):
        load_instrument(content_copy, version=1)


def test_broken_werkvorm_reference_fails(content_copy):
    (content_copy / "werkvormen" / "rollen-helder.toml").unlink()
    with pytest.raises(InstrumentError, match="werkvorm 'rollen-helder' does not exist"):
        load_instrument(content_copy)


def test_unknown_pillar_fails(content_copy):
    path = content_copy / "quickscan" / "statements.toml"
    path.write_text(path.read_text().replace("pillar = 4", "pillar = 9", 1))
    with pytest.raises(InstrumentError, match="unknown pillar 9"):
        load_instrument(content_copy)


def test_version_2_asks_one_thing_some_reverse_keyed_and_maps_to_version_1():
    old, new = load_instrument(version=1), load_instrument(version=2)
    reverse = [s for s in new.statements if s.reverse]
    assert 4 <= len(reverse) <= len(new.statements) // 3
    assert {s.pillar for s in reverse} == {1, 2, 3, 4}
    old_codes = {s.code: s for s in old.statements}
    for statement in new.statements:
        # No statement asks two things at once ("... en ...", "... and ...") in its claim, and
        # none asks about the risk inventory, which most employees cannot know.
        text = statement.text.nl.lower()
        assert " en die " not in text and " en het is " not in text, statement.code
        assert "risico-inventarisatie" not in text and "rie" not in text.split(), statement.code
        if statement.same_as:
            assert statement.same_as in old_codes
            assert old_codes[statement.same_as].pillar == statement.pillar
            assert not statement.reverse
    # The intro states the real number of statements and the configured threshold.
    intro = new.intro_text(7)
    assert "32" in intro and "7 mensen" in intro and "{" not in intro
    assert "5 mensen" not in new.intro_text(7)
