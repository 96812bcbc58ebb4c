"""Read the database the way an attacker with database access (or the admin's Task Results page)
would: every column of every row, as text. Used by the "secrets never in a queue" tests."""

from __future__ import annotations

import json
from typing import Any

from django.core.management import call_command
from django.db import connection

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """Run the real database worker until the queue is empty."""
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("latin-1")
    if isinstance(value, (dict, list)):  # PostgreSQL hands JSON columns back decoded
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def table_text(table: str) -> str:
    """Every column of every row of one table, by raw SQL (no model, no field decoding)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return "\n".join(" | ".join(_as_text(value) for value in row) for row in cursor.fetchall())


def task_table_text() -> str:
    from django_tasks_db.models import DBTaskResult

    return table_text(DBTaskResult._meta.db_table)


def database_text() -> str:
    """Every table of the database as text: a secret found here is stored in clear somewhere."""
    tables = connection.introspection.table_names()
    return "\n".join(table_text(table) for table in tables)


def task_rows() -> list[dict[str, Any]]:
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.values("task_path", "status", "args_kwargs", "return_value"))


def task_table_forget() -> None:
    """Drop the tasks queued while the test was set up (e.g. the role notice to a new advisor),
    so that the rows an attack then reads are the ones the step under test queued."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
