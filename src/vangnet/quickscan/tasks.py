from __future__ import annotations

from django_tasks import task


@task()
def delete_abandoned_drafts() -> int:
    """Unfinished answers untouched for 30 days are deleted (retention; ADR 0021)."""
    from .services import drafts_delete_abandoned  # noqa: PLC0415 - cycle: services enqueue the tasks defined here

    return drafts_delete_abandoned()


@task()
def send_personal_links(*, round_id: int, reminder: bool = False) -> int:
    """Mint and e-mail the waiting personal links of a round (ADR 0053).

    The task carries the round's id only: each link is made here, in the worker, stored as a hash
    and sent straight to its member, so no link or address ever sits in the task table.
    """
    from .services import personal_links_send  # noqa: PLC0415 - cycle: services enqueue the tasks defined here

    return personal_links_send(round_id=round_id, reminder=reminder)
