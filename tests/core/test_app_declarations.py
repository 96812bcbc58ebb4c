"""Each app declares in its AppConfig what it plugs into the product (core/app.py, ADR 0061), and
the declarations are complete: no module of a known kind lies undeclared (and so unused)."""

from __future__ import annotations

from importlib.util import find_spec

import pytest
from django.apps import apps
from django.urls import reverse

from vangnet.core.app import VangnetAppConfig, app_modules, vangnet_apps
from vangnet.core.scheduling import registered_jobs

KINDS = ("urls", "api", "navigation", "demo", "mails")
# core/navigation.py is the menu's registry itself, not a contribution to it.
NOT_A_CONTRIBUTION = {("core", "navigation")}


def test_every_vangnet_app_is_a_vangnet_app_config():
    ours = [config for config in apps.get_app_configs() if config.name.startswith("vangnet.")]
    assert ours and all(isinstance(config, VangnetAppConfig) for config in ours)
    assert [c.label for c in vangnet_apps()] == [c.label for c in ours]


@pytest.mark.parametrize("kind", KINDS)
def test_declared_modules_exist_and_existing_ones_are_declared(kind):
    for config in vangnet_apps():
        exists = (find_spec(f"{config.name}.{kind}") is not None
                  and (config.label, kind) not in NOT_A_CONTRIBUTION)
        declared = getattr(config, kind)
        assert bool(declared) == exists, f"{config.label}: {kind} declared={declared!r}, exists={exists}"


def test_demo_modules_seed_and_api_modules_have_a_router():
    assert all(callable(getattr(module, "seed", None)) for label, module in app_modules("demo")
               if label != "organisations")  # organisations seeds first, by the command itself
    for _label, module in app_modules("api"):
        assert isinstance(module.PREFIX, str) and module.router is not None


def test_declared_urls_are_mounted(organisation):
    assert reverse("cases:list", args=[organisation.slug]).startswith(f"/o/{organisation.slug}/")
    assert reverse("toolbox:index", args=[organisation.slug]).startswith(f"/o/{organisation.slug}/")


def test_periodic_jobs_come_from_the_declarations():
    """Every declared job is registered with its task (tests may register jobs of their own)."""
    registered = {job.name: job for job in registered_jobs()}
    declared = [job for config in vangnet_apps() for job in config.periodic_jobs()]
    assert {"core.audit_checkpoints", "cases.retention", "toolbox.routine_reminders"} <= {
        job.name for job in declared}
    for job in declared:
        assert registered[job.name].task is job.task and registered[job.name].every == job.every
