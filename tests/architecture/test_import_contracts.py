"""The import contracts of pyproject.toml (ADR 0060) are real: each one passes on our code, and
each one fails, with a message naming the rule, on a small package that breaks it.

The scratch package mirrors our apps under another root name (`scratchapp`), so that the
installed `vangnet` can never be analysed by mistake; the contracts are copied from pyproject.toml
with the root name replaced, so a change to a contract is tested as written.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
APPS = ("core", "accounts", "organisations", "toolbox", "surveys", "quickscan", "reporting",
        "pulse", "cases", "conduct", "workshops", "signals")


def _contracts_for(root: str) -> str:
    """pyproject.toml's import-linter section as a .importlinter TOML, for package `root`."""
    text = (REPO / "pyproject.toml").read_text()
    assert tomllib.loads(text)["tool"]["importlinter"]["root_package"] == "vangnet"
    section = text[text.index("[tool.importlinter]"):]
    return section.replace('"vangnet', f'"{root}').replace("vangnet.", f"{root}.")


def _run_lint(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tmp_path / "pyproject.toml"), "--no-cache"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": f"{tmp_path}:{REPO}", "PATH": "/usr/bin:/bin", "NO_COLOR": "1",
             "COLUMNS": "400"},
    )


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A clean package with our layout: every app has models, services and a public face."""
    root = tmp_path / "scratchapp"
    root.mkdir()
    (root / "__init__.py").write_text("")
    for app in APPS:
        (root / app).mkdir()
        (root / app / "__init__.py").write_text("")
        (root / app / "models.py").write_text("class Thing:\n    pass\n")
        (root / app / "services.py").write_text("from .models import Thing\n")
        (root / app / "public.py").write_text("from .services import Thing\n__all__ = ['Thing']\n")
    # Allowed edges: downwards, through the public face.
    (root / "cases" / "services.py").write_text(
        "from scratchapp.reporting.public import Thing\nfrom scratchapp.quickscan.public import Thing as T2\n")
    (root / "quickscan" / "services.py").write_text("from scratchapp.toolbox.public import Thing\n")
    (root / "conduct" / "services.py").write_text(
        "from scratchapp.cases.public import Thing\nfrom scratchapp.toolbox.public import Thing as T2\n")
    (root / "workshops" / "services.py").write_text(
        "from scratchapp.reporting.public import Thing\nfrom scratchapp.toolbox.public import Thing as T2\n")
    (root / "accounts" / "services.py").write_text("from scratchapp.organisations.public import Thing\n")
    (root / "reporting" / "services.py").write_text(
        "from scratchapp.organisations.public import Thing\nfrom scratchapp.core.models import Thing as T2\n")
    (tmp_path / "pyproject.toml").write_text(_contracts_for("scratchapp"))
    return root


def _write(path: Path, text: str) -> None:
    path.write_text(text)


def test_the_contracts_hold_on_our_code() -> None:
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=REPO, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_clean_scratch_package_keeps_every_contract(scratch: Path) -> None:
    result = _run_lint(scratch.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_importing_another_apps_internals_breaks_the_public_face(scratch: Path) -> None:
    _write(scratch / "cases" / "services.py", "from scratchapp.reporting.models import Thing\n")
    result = _run_lint(scratch.parent)
    assert result.returncode == 1
    assert "Apps use each other only through <app>.public BROKEN" in result.stdout
    assert ("scratchapp.cases.services -> scratchapp.reporting.models (l.1): from outside "
            "scratchapp.reporting import only scratchapp.reporting.public") in result.stdout
    assert "0060-one-public-face-per-app.md" in result.stdout


def test_a_model_imported_only_for_type_hints_is_allowed(scratch: Path) -> None:
    _write(scratch / "cases" / "services.py",
           "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
           "    from scratchapp.reporting.models import Thing\n")
    result = _run_lint(scratch.parent)
    assert result.returncode == 0, result.stdout


def test_core_importing_an_app_breaks_the_layers(scratch: Path) -> None:
    _write(scratch / "core" / "services.py", "from scratchapp.organisations.public import Thing\n")
    result = _run_lint(scratch.parent)
    assert result.returncode == 1
    assert "scratchapp.core is not allowed to import scratchapp.organisations" in result.stdout


def test_reporting_importing_cases_breaks_the_layers(scratch: Path) -> None:
    _write(scratch / "reporting" / "services.py", "from scratchapp.cases.public import Thing\n")
    result = _run_lint(scratch.parent)
    assert result.returncode == 1
    assert "scratchapp.reporting is not allowed to import scratchapp.cases" in result.stdout


def test_an_app_below_accounts_importing_it_breaks_its_contract(scratch: Path) -> None:
    _write(scratch / "toolbox" / "services.py", "from scratchapp.accounts.public import Thing\n")
    result = _run_lint(scratch.parent)
    assert result.returncode == 1
    assert "scratchapp.toolbox is not allowed to import scratchapp.accounts" in result.stdout


def test_a_selector_importing_services_breaks_reads_before_writes(scratch: Path) -> None:
    _write(scratch / "toolbox" / "selectors.py", "from . import services\n")
    result = _run_lint(scratch.parent)
    assert result.returncode == 1
    assert "Selectors (reads) never import services (writes)" in result.stdout
    assert "scratchapp.toolbox.selectors is not allowed to import scratchapp.toolbox.services" in (
        result.stdout)


def test_services_may_call_selectors(scratch: Path) -> None:
    _write(scratch / "toolbox" / "selectors.py", "from .models import Thing\n")
    _write(scratch / "toolbox" / "services.py", "from .selectors import Thing\n")
    result = _run_lint(scratch.parent)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("app", [app for app in APPS if app != "core"])
def test_every_app_declares_its_public_face(app: str) -> None:
    """Each name in `__all__` exists, and no model class is offered: other apps ask selectors.
    An abstract model is allowed: it has no table to query, it is a shape to build on (the survey
    engine's rounds, groups, links and answers, ADR 0080)."""
    from django.db.models import Model

    public = importlib.import_module(f"vangnet.{app}.public")
    assert public.__doc__, f"vangnet.{app}.public needs a docstring saying what it offers"
    for name in public.__all__:
        value = getattr(public, name)
        assert not (isinstance(value, type) and issubclass(value, Model)
                    and not value._meta.abstract), (
            f"vangnet.{app}.public offers the model {name}; offer a selector instead")
