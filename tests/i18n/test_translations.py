"""The Dutch catalogues are complete, compiled and in step with the code; Dutch is the default."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import polib
import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parents[2]


def _load_messages_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vangnet_messages_script", REPO / "scripts" / "messages.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


messages = _load_messages_script()
PO_FILES = messages.all_po_files()


def _key(entry: Any) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def test_there_are_catalogues() -> None:
    names = {po.relative_to(messages.PACKAGE).parts[0] for po in PO_FILES}
    assert {"locale", "organisations"} <= names


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(messages.PACKAGE)))
def test_every_entry_is_translated_and_not_fuzzy(po_path: Path) -> None:
    catalogue = polib.pofile(str(po_path))
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            if not entry.msgstr_plural or any(not v.strip() for v in entry.msgstr_plural.values()):
                problems.append(f"empty plural form: {entry.msgid!r}")
        elif not entry.msgstr.strip():
            problems.append(f"empty: {entry.msgid!r}")
    assert not problems, f"{po_path}: fill these in and run scripts/messages.py:\n" + "\n".join(problems)


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(messages.PACKAGE)))
def test_mo_is_compiled_from_the_current_po(po_path: Path, tmp_path: Path) -> None:
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run scripts/messages.py --compile-only"
    fresh_path = tmp_path / "fresh.mo"
    polib.pofile(str(po_path)).save_as_mofile(str(fresh_path))

    def entries(mo: polib.MOFile) -> dict[tuple[str, str], Any]:
        return {_key(e): (e.msgstr, dict(e.msgstr_plural)) for e in mo}

    assert entries(polib.mofile(str(mo_path))) == entries(polib.mofile(str(fresh_path))), (
        f"{mo_path} is out of date with its .po: run scripts/messages.py --compile-only"
    )


@pytest.mark.parametrize("scope", messages.scopes(), ids=lambda s: s.name)
def test_catalogue_has_every_msgid_used_in_the_code(scope: Any, tmp_path: Path) -> None:
    if shutil.which("xgettext") is None:
        pytest.skip("GNU xgettext is not installed (apt-get install gettext); CI installs it.")
    written = messages.extract(scope, into=tmp_path / "locale")
    for fresh in written:
        committed_path = messages._catalogue_dir(scope.locale_dir) / fresh.name
        assert committed_path.exists(), f"{committed_path} is missing: run scripts/messages.py {scope.name}"
        committed = {_key(e) for e in polib.pofile(str(committed_path)) if not e.obsolete}
        used = {_key(e) for e in polib.pofile(str(fresh))}
        missing = sorted(msgid for _ctx, msgid in used - committed)
        assert not missing, (
            f"{committed_path} lacks msgids used in the code; run scripts/messages.py {scope.name}:\n"
            + "\n".join(repr(m) for m in missing[:30])
        )


def test_app_strings_do_not_land_in_the_project_catalogue() -> None:
    project = {e.msgid for e in polib.pofile(str(messages.PACKAGE / "locale/nl/LC_MESSAGES/django.po"))}
    # Strings only the organisations app uses.
    assert "People and roles" not in project
    assert "The unit has been added." not in project


def test_dutch_is_the_default_language() -> None:
    assert settings.LANGUAGE_CODE == "nl"
    # Dutch first; English for everyone; the public pages also in Polish, Turkish, Arabic and
    # Ukrainian (issue 12).
    assert [code for code, _name in settings.LANGUAGES] == ["nl", "en", "pl", "tr", "ar", "uk"]


@pytest.mark.django_db
def test_page_is_dutch_by_default_and_english_after_switching(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl"' in html
    assert "Samen een veilige werkplek" in html

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en"' in html
    assert "A safe workplace, together" in html


@pytest.mark.django_db
def test_organisation_pages_are_dutch(client: Any, organisation: Any, member_factory: Any) -> None:
    from vangnet.organisations.roles import Role

    coordinator = member_factory(organisation, Role.EMPLOYEE, Role.COORDINATOR)
    client.force_login(coordinator.user)
    html = client.get(f"/o/{organisation.slug}/beheer/mensen/").content.decode()
    assert "Mensen en rollen" in html
    assert "Coördinator sociale veiligheid" in html


@pytest.mark.django_db
def test_allauth_login_page_is_dutch(client: Any) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="nl"' in html
    assert "Wachtwoord" in html  # allauth's own Dutch catalogue
    assert "Inloggen" in html


def test_extraction_keeps_our_overrides_of_library_translations(tmp_path: Path) -> None:
    """Entries that override Django's or allauth's formal Dutch are not in our code; extracting
    the project catalogue again must keep them (and drop nothing else that is used)."""
    committed = polib.pofile(str(messages.PACKAGE / "locale/nl/LC_MESSAGES/django.po"))
    overrides = {e.msgid for e in committed if e.comment.startswith(messages.OVERRIDE_MARK)}
    assert "Your password can’t be entirely numeric." in overrides
    project = next(s for s in messages.scopes() if s.name == messages.PROJECT)
    fresh = polib.pofile(str(messages.extract(project, into=tmp_path / "locale")[0]))
    kept = {e.msgid: e.msgstr for e in fresh}
    assert overrides <= set(kept)
    assert kept["Your password can’t be entirely numeric."] == committed.find(
        "Your password can’t be entirely numeric.").msgstr


def test_one_msgid_has_one_dutch_translation_across_catalogues() -> None:
    """Django merges every app's catalogue into one, and the first app in INSTALLED_APPS wins: a
    msgid translated differently in two apps shows the other app's words on your page (a
    workshop's "Closing" became a case's "Afsluiten"). Translate it the same everywhere, or give
    the two meanings a context (pgettext / {% translate ... context ... %})."""
    translations: dict[tuple[str | None, str], dict[str, str]] = {}
    for po_path in PO_FILES:
        if po_path.parts[-3] != "nl":
            continue
        owner = str(po_path.relative_to(messages.PACKAGE).parts[0])
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete:
                continue
            text = entry.msgstr or repr(sorted(entry.msgstr_plural.items()))
            translations.setdefault((entry.msgctxt, entry.msgid), {})[owner] = text
    conflicts = {key[1]: per_app for key, per_app in translations.items()
                 if len(set(per_app.values())) > 1}
    assert not conflicts, "\n".join(f"{msgid!r}: {per_app}" for msgid, per_app in conflicts.items())
