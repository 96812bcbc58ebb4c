"""The external advisor's desk across clients (issue 13): one page with, per organisation the
advisor serves, the newest reports in the inbox, the cases whose terms are due, the call-back
requests that wait, and the latest published yearly report.

Each organisation is read on its own, through that organisation's actor and its user-scoped
selectors (`reporting` inbox and call-backs, `cases_for_actor`, `published_yearly_report_for`),
exactly as on that organisation's own pages. No query ever returns rows of two organisations:
the page only puts the separate answers one below the other, for the one person who may see
each of them. Queries grow with the number of clients, never with the number of reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vangnet.organisations.public import Role, actor_for, memberships_of_user

from . import integration, permissions, selectors, stats

if TYPE_CHECKING:
    from vangnet.organisations.public import Actor

    from .models import Case

SHOWN = 5


@dataclass(frozen=True)
class ClientDesk:
    organisation_name: str
    slug: str
    inbox: list[Any]  # the newest reports (metadata only: date, category)
    more_in_inbox: bool
    due: list[Case]
    more_due: bool
    callbacks_waiting: int
    yearly: stats.YearlyReport | None


def client_desk(*, actor: Actor, organisation_name: str) -> ClientDesk:
    """One organisation's part of the desk, read as this organisation's advisor."""
    inbox = integration.inbox_reports_for(actor=actor, limit=SHOWN + 1)
    lists = selectors.cases_for_actor(actor=actor, view="due")
    due = sorted({c.pk: c for c in [*lists.as_recipient[:SHOWN + 1],
                                    *lists.as_grantee[:SHOWN + 1]]}.values(),
                 key=lambda c: (c.acknowledged_at is not None, c.feedback_due_at, c.pk))
    yearly = (selectors.published_yearly_report_for(actor=actor,
                                                    organisation_name=organisation_name)
              if permissions.can_view_statistics(actor) else None)
    return ClientDesk(
        organisation_name=organisation_name, slug=actor.organisation_slug,
        inbox=inbox[:SHOWN], more_in_inbox=len(inbox) > SHOWN,
        due=due[:SHOWN], more_due=len(due) > SHOWN,
        callbacks_waiting=integration.callbacks_open_count(actor=actor), yearly=yearly)


def desk_for(*, user: Any) -> list[ClientDesk]:
    """The desk of everyone who advises in at least one organisation; one part per client."""
    return [client_desk(actor=actor_for(m), organisation_name=m.organisation.name)
            for m in memberships_of_user(user=user) if Role.ADVISOR in m.role_set]
