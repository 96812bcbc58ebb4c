"""Extract and compile the Dutch catalogues, one per app plus one for the project.

    python scripts/messages.py                 # every catalogue
    python scripts/messages.py organisations   # one app (names: an app dir, or "project")
    python scripts/messages.py --compile-only  # only .po → .mo (no GNU gettext needed)

Scopes:
- the project: templates/, settings/, core/, accounts/, api/ and the top-level modules; its strings
  go to `src/vangnet/locale/nl/LC_MESSAGES/django.po` (in LOCALE_PATHS);
- every other directory under src/vangnet with code (organisations, toolbox, ...; also an app that
  has no apps.py yet) is an app; its strings go to `src/vangnet/<app>/locale/nl/LC_MESSAGES/`.
  Django finds an installed app's `locale/` by itself.

Each scope is extracted with Django's `makemessages` in a temporary copy that holds only that
scope's sources, so an app's strings can never land in another catalogue. Extraction needs GNU
xgettext (Debian: `apt-get install gettext`); compiling uses polib, so msgfmt is not needed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "vangnet"
LANGUAGE = "nl"
PROJECT = "project"
# Directories whose strings belong to the project catalogue (core and accounts are apps in Django's
# sense, but they are the shell of the product, not a domain).
PROJECT_DIRS = {"templates", "settings", "core", "accounts", "api"}
# Never scanned for gettext strings.
SKIPPED_DIRS = {"static", "content", "locale", "__pycache__", "node_modules"}
EXTENSIONS = ["html", "txt", "py"]
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"


@dataclass(frozen=True)
class Scope:
    name: str
    sources: tuple[Path, ...]
    locale_dir: Path

    def js_sources(self) -> list[Path]:
        """Own JavaScript files (vendored and minified files are not ours to translate)."""
        found: list[Path] = []
        for source in self.sources:
            candidates = [source] if source.is_file() else source.rglob("*.js")
            found += [
                p for p in candidates
                if p.suffix == ".js" and "vendor" not in p.parts and not p.name.endswith(".min.js")
            ]
        return found


def app_names(package: Path = PACKAGE) -> list[str]:
    return sorted(
        p.name for p in package.iterdir()
        if p.is_dir() and p.name not in PROJECT_DIRS | SKIPPED_DIRS
        and any(f.suffix in {".py", ".html", ".txt"} for f in p.rglob("*"))
    )


def scopes(package: Path = PACKAGE, names: list[str] | None = None) -> list[Scope]:
    apps = app_names(package)
    wanted = names or [PROJECT, *apps]
    result = []
    for name in wanted:
        if name in PROJECT_DIRS:
            name = PROJECT
        if name == PROJECT:
            sources = tuple(
                sorted(
                    p for p in package.iterdir()
                    if (p.is_dir() and p.name in PROJECT_DIRS) or (p.is_file() and p.suffix == ".py")
                )
            )
            scope = Scope(PROJECT, sources, package / "locale")
        elif name in apps:
            app_dir = package / name
            sources = tuple(sorted(p for p in app_dir.iterdir() if p.name not in SKIPPED_DIRS))
            scope = Scope(name, sources, app_dir / "locale")
        else:
            raise SystemExit(f"Unknown app {name!r}; choose from: {', '.join([PROJECT, *apps])}")
        if scope not in result:
            result.append(scope)
    return result


def _catalogue_dir(locale_dir: Path) -> Path:
    return locale_dir / LANGUAGE / "LC_MESSAGES"


@contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def _setup_django() -> None:
    """Minimal settings: extraction must work even while an app is half-built and cannot boot."""
    import django
    from django.conf import settings

    if settings.configured:
        return
    settings.configure(USE_I18N=True, INSTALLED_APPS=[], LOCALE_PATHS=[])
    django.setup()


def extract(scope: Scope, into: Path | None = None) -> list[Path]:
    """Run makemessages for one scope in a temporary copy; write the .po files to `into`.

    `into` is a locale dir (default: the scope's own). Existing translations there are kept
    (makemessages merges with msgmerge); msgids no longer used are dropped (--no-obsolete), except
    entries marked as overrides of a library's translation (OVERRIDE_MARK).
    """
    from django.core.management import call_command

    _setup_django()
    target = _catalogue_dir(into or scope.locale_dir)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="vangnet-messages-") as tmp:
        root = Path(tmp) / "src"
        root.mkdir()
        for source in scope.sources:
            if source.is_dir():
                shutil.copytree(source, root / source.name,
                                ignore=shutil.ignore_patterns(*SKIPPED_DIRS, "*.pyc"))
            else:
                shutil.copy2(source, root / source.name)
        work_catalogue = _catalogue_dir(root / "locale")
        work_catalogue.mkdir(parents=True)
        for po in sorted(_catalogue_dir(scope.locale_dir).glob("*.po")):
            shutil.copy2(po, work_catalogue / po.name)
        domains = ["django"] + (["djangojs"] if scope.js_sources() else [])
        with _working_directory(root):
            for domain in domains:
                call_command(
                    "makemessages", locale=[LANGUAGE], domain=domain,
                    extensions=EXTENSIONS if domain == "django" else ["js"],
                    no_location=True, no_obsolete=True, verbosity=0,
                )
        target.mkdir(parents=True, exist_ok=True)
        for domain in domains:
            produced = work_catalogue / f"{domain}.po"
            if not produced.exists():
                continue  # no strings in this scope (yet)
            catalogue = polib.pofile(str(produced))
            _normalise_header(catalogue)
            destination = target / f"{domain}.po"
            _keep_overrides(catalogue, _catalogue_dir(scope.locale_dir) / f"{domain}.po")
            catalogue.save(str(destination))
            written.append(destination)
    return written


# A translator comment that starts with this marks an entry that overrides a library's own
# translation (Django's or allauth's formal 'u', issue 18). Its msgid is not in our code, so
# extraction alone would drop it; it is kept as long as the comment stays.
OVERRIDE_MARK = "Overrides"


def _keep_overrides(catalogue: polib.POFile, previous_path: Path) -> None:
    if not previous_path.exists():
        return
    present = {(entry.msgctxt, entry.msgid) for entry in catalogue}
    for entry in polib.pofile(str(previous_path)):
        if entry.comment.startswith(OVERRIDE_MARK) and (entry.msgctxt, entry.msgid) not in present:
            catalogue.append(entry)


def _normalise_header(catalogue: polib.POFile) -> None:
    """A stable header: no fuzzy flag, no dates that change on every run."""
    catalogue.metadata_is_fuzzy = False
    catalogue.header = "Vangnet — Dutch translations. Generated by scripts/messages.py."
    metadata = catalogue.metadata
    for key in ("POT-Creation-Date", "PO-Revision-Date", "Last-Translator", "Language-Team"):
        metadata.pop(key, None)
    metadata["Project-Id-Version"] = "vangnet"
    metadata["Report-Msgid-Bugs-To"] = ""
    metadata["Language"] = LANGUAGE
    metadata["MIME-Version"] = "1.0"
    metadata["Content-Type"] = "text/plain; charset=UTF-8"
    metadata["Content-Transfer-Encoding"] = "8bit"
    metadata["Plural-Forms"] = PLURAL_FORMS


def compile_catalogue(po_path: Path) -> Path:
    """Compile one .po file into the .mo beside it (fuzzy and empty entries are left out)."""
    mo_path = po_path.with_suffix(".mo")
    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    return mo_path


def all_po_files(package: Path = PACKAGE) -> list[Path]:
    # Every language: Dutch is extracted here; the public pages' other languages (issue 12) are
    # edited by hand (machine drafts marked per entry) and compiled with the rest.
    return sorted(package.glob("**/locale/*/LC_MESSAGES/*.po"))


def untranslated(po_path: Path) -> list[str]:
    catalogue = polib.pofile(str(po_path))
    return [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or e.fuzzy)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("apps", nargs="*", help="app names (or 'project'); default: all")
    parser.add_argument("--compile-only", action="store_true", help="only compile .po → .mo")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))

    chosen = scopes(names=args.apps or None)
    if not args.compile_only:
        if shutil.which("xgettext") is None:
            print("GNU xgettext is needed to extract messages: apt-get install gettext",
                  file=sys.stderr)
            return 2
        for scope in chosen:
            for po in extract(scope):
                print(f"extracted {po.relative_to(REPO)}")
    for scope in chosen:
        # Dutch, and the public pages' other languages (issue 12) where the scope has them.
        for po in sorted(scope.locale_dir.glob("*/LC_MESSAGES/*.po")):
            compile_catalogue(po)
            missing = untranslated(po)
            note = f" — {len(missing)} untranslated or fuzzy" if missing else ""
            print(f"compiled  {po.with_suffix('.mo').relative_to(REPO)}{note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
