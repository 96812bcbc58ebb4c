from __future__ import annotations

from django_tasks import task


@task()
def send_links(*, round_id: int, reminder: bool = False) -> int:
    """Mint and e-mail the waiting personal links of a wave (ADR 0053, 0080): the task carries
    the wave's id only; links are made here, stored as hashes and sent straight to each member."""
    from .services import links_send  # noqa: PLC0415 - cycle: services enqueue the tasks defined here

    return links_send(round_id=round_id, reminder=reminder)


@task()
def pulse_due_work() -> dict[str, int]:
    """Hourly: open the waves that are due, remind halfway, close the waves whose date passed."""
    from .services import due_work  # noqa: PLC0415 - cycle: services enqueue the tasks defined here

    return due_work()
