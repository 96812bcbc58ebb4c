from __future__ import annotations

from django_tasks import task


@task()
def delete_abandoned_drafts() -> int:
    """Unfinished answers untouched for 30 days are deleted (retention; ADR 0021)."""
    from .services import drafts_delete_abandoned

    return drafts_delete_abandoned()
