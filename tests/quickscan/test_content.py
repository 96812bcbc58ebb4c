"""The instrument's data files are complete and consistent; broken data fails loudly."""

from __future__ import annotations

import shutil

import pytest

from vangnet.quickscan.content import CONTENT_DIR, InstrumentError, load_instrument


def test_real_instrument_loads():
    instrument = load_instrument()
    assert [p.number for p in instrument.pillars] == [1, 2, 3, 4]
    assert len(instrument.statements) == 24
    assert all(len(instrument.statements_of(n)) == 6 for n in (1, 2, 3, 4))
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
    path = content_copy / "quickscan" / "statements.toml"
    text = path.read_text()
    # Drop the English action of the first statement.
    first_en_action = text.index('action = """Discuss goals')
    end = text.index('"""', first_en_action + len('action = """')) + 3
    path.write_text(text[:first_en_action] + text[end:])
    with pytest.raises(InstrumentError, match=r"statement 1\.1 \[en\]: missing field 'action'"):
        load_instrument(content_copy)


def test_broken_werkvorm_reference_fails(content_copy):
    (content_copy / "werkvormen" / "rollen-helder.toml").unlink()
    with pytest.raises(InstrumentError, match="werkvorm 'rollen-helder' does not exist"):
        load_instrument(content_copy)


def test_unknown_pillar_fails(content_copy):
    path = content_copy / "quickscan" / "statements.toml"
    path.write_text(path.read_text().replace("pillar = 4", "pillar = 9", 1))
    with pytest.raises(InstrumentError, match="unknown pillar 9"):
        load_instrument(content_copy)
