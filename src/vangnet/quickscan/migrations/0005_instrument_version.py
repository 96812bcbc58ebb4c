"""Quickscan statements version 2 (issue 18).

Rounds that exist now were answered on the version 1 statements: they keep version 1, so their
answers keep their meaning and their reports and trend stay as they were. New rounds get version 2.
Actions that point at a version 1 statement are moved to the version 2 statement that asks the
same thing, or to the first statement it was split into; the pillar stays.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

# Version 1 code -> version 2 code (same question, or the first part of a split statement).
V1_TO_V2 = {
    "1.1": "1.1", "1.2": "1.3", "1.3": "1.4", "1.4": "1.5", "1.5": "1.6", "1.6": "1.9",
    "2.1": "2.1", "2.2": "2.2", "2.3": "2.4", "2.4": "2.5", "2.5": "2.6", "2.6": "2.7",
    "3.1": "3.1", "3.2": "3.2", "3.3": "3.4", "3.4": "3.5", "3.5": "3.7", "3.6": "3.8",
    "4.1": "4.1", "4.2": "4.2", "4.3": "4.3", "4.4": "4.5", "4.5": "4.6", "4.6": "4.7",
}
V2_TO_V1 = {new: old for old, new in V1_TO_V2.items()}


def _remap(apps: Any, mapping: dict[str, str]) -> None:
    Action = apps.get_model("quickscan", "Action")
    for action in Action.objects.exclude(statement_code=""):
        code = mapping.get(action.statement_code)
        if code and code != action.statement_code:
            action.statement_code = code
            action.save(update_fields=["statement_code"])


def forwards(apps: Any, schema_editor: Any) -> None:
    Round = apps.get_model("quickscan", "Round")
    Round.objects.update(instrument_version=1)
    _remap(apps, V1_TO_V2)


def backwards(apps: Any, schema_editor: Any) -> None:
    _remap(apps, V2_TO_V1)


class Migration(migrations.Migration):
    dependencies = [("quickscan", "0004_bound_links_required")]

    operations = [
        migrations.AddField(
            model_name="round",
            name="instrument_version",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.RunPython(forwards, backwards),
    ]
