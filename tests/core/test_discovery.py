from __future__ import annotations

import pytest

from vangnet.core import discovery
from vangnet.core.discovery import app_modules


def test_yields_only_apps_that_have_the_module():
    found = dict(app_modules("demo"))
    assert {"organisations", "toolbox", "quickscan", "reporting", "cases"} <= set(found)
    assert "core" not in found and "accounts" not in found
    assert all(callable(getattr(module, "seed", None)) for label, module in found.items()
               if label != "organisations")


def test_a_missing_dependency_inside_an_existing_module_is_raised(monkeypatch):
    def import_with_broken_dependency(name: str):
        raise ModuleNotFoundError("No module named 'not_installed'", name="not_installed")

    monkeypatch.setattr(discovery, "import_module", import_with_broken_dependency)
    with pytest.raises(ModuleNotFoundError):
        list(app_modules("navigation"))
