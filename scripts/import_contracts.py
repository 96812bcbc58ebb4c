"""Import-linter contract types of our own (configured in pyproject.toml, run by `make lint`).

`public_face`: each listed app may be imported from outside only through its public module
(`vangnet.<app>.public`, which says what other apps may use in `__all__`). Everything else in the
app is internal: its models, services, selectors, views and forms may change without asking
anyone. Import-linter's own contract types cannot say "only this one module may be imported from
outside": `protected` guards whole packages and `private_modules` needs underscore names, which
Django's fixed module names (`models.py`, `apps.py`, `admin.py`) do not allow. ADR 0060.
"""

from __future__ import annotations

from typing import Any

import grimp
from importlinter import Contract, ContractCheck, fields, output


class PublicFaceContract(Contract):
    """Options:
    - apps: the app packages whose internals are protected (e.g. vangnet.reporting).
    - public_modules: module names inside each app that other packages may import (e.g. public).
    - broken_contract_guidance: printed after the violations (optional).
    """

    type_name = "public_face"

    apps = fields.ListField(subfield=fields.StringField())
    public_modules = fields.ListField(subfield=fields.StringField())
    broken_contract_guidance = fields.StringField(required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        violations: list[dict[str, Any]] = []
        for app in self._apps():
            allowed = {app} | {f"{app}.{name}" for name in self._public_modules()}
            for module in sorted(graph.find_descendants(app)):
                if module in allowed:
                    continue
                for importer in sorted(graph.find_modules_that_directly_import(module)):
                    if importer == app or importer.startswith(f"{app}."):
                        continue
                    details = graph.get_import_details(importer=importer, imported=module)
                    violations.append({
                        "app": app,
                        "importer": importer,
                        "imported": module,
                        "line_numbers": tuple(detail["line_number"] for detail in details),
                    })
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            lines = ", ".join(str(number) for number in violation["line_numbers"])
            public = " or ".join(f"{violation['app']}.{name}" for name in self._public_modules())
            output.print_error(
                f"- {violation['importer']} -> {violation['imported']} (l.{lines}): "
                f"from outside {violation['app']} import only {public}",
                bold=False,
            )
        guidance = self.broken_contract_guidance
        if guidance:
            output.new_line()
            output.print_error(str(guidance), bold=False)

    def _apps(self) -> list[str]:
        return [str(app) for app in self.apps]  # type: ignore[attr-defined]

    def _public_modules(self) -> list[str]:
        return [str(name) for name in self.public_modules]  # type: ignore[attr-defined]
