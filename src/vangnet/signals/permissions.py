"""Who sees what on the signals dashboard (ADR 0093). Pure rules, no database."""

from __future__ import annotations

from typing import Literal

from vangnet.organisations.public import Actor, Role

Scope = Literal["all", "organisation", "managed", "none"]


def dashboard_scope(actor: Actor) -> Scope:
    """Coordinator, HR and advisors: every unit above the threshold; the works council: the
    organisation as a whole; a manager: the units they manage (and those below)."""
    if actor.has(Role.COORDINATOR, Role.HR, Role.ADVISOR):
        return "all"
    if actor.has(Role.MANAGER):
        return "managed"
    if actor.has(Role.WORKS_COUNCIL):
        return "organisation"
    return "none"


def can_view_signals(actor: Actor) -> bool:
    return dashboard_scope(actor) != "none"


def can_see_advisor_only(actor: Actor) -> bool:
    return actor.has(Role.ADVISOR)


def can_manage_hr_figures(actor: Actor) -> bool:
    return actor.has(Role.HR, Role.COORDINATOR)


def can_turn_alert_into_action(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR)


def can_view_report(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR, Role.HR, Role.WORKS_COUNCIL)
