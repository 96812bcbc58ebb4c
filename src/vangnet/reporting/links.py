"""Links from a report's page to what an app above reporting made of it (the case), without
reporting importing that app (ADR 0104).

An app above registers a provider once (in its AppConfig.ready): given the person looking and the
report, it returns a link or None. A provider decides itself whether this person may follow the
link (it must never offer a page that answers 404), and costs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vangnet.organisations.public import Actor

    from .models import Report


@dataclass(frozen=True)
class ReportLink:
    label: str
    url: str


ReportLinkProvider = Callable[["Actor", "Report"], "ReportLink | None"]
_providers: list[ReportLinkProvider] = []


def register_report_link(provider: ReportLinkProvider) -> None:
    """Add a provider (again is a no-op: `ready()` may run more than once in tests)."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_report_link(provider: ReportLinkProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def links_for_report(*, actor: Actor, report: Report) -> list[ReportLink]:
    """Every registered provider's link for this person and report, in registration order."""
    return [link for provider in list(_providers)
            if (link := provider(actor, report)) is not None]
