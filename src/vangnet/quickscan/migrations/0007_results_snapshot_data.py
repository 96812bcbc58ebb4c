"""Closed rounds get their results snapshot (ADR 0115): the counts of their answers, made once.

A closed round cannot change, so the counts made now are final. Made with the pure tally of
`scoring` over the historical rows (the statements of each round's own version); rounds still open
get theirs when they close. Going back drops nothing but the snapshots.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    from vangnet.quickscan.content import instrument  # noqa: PLC0415 - pure content, no models
    from vangnet.quickscan.scoring import SubmittedAnswers, tally_responses  # noqa: PLC0415

    Round = apps.get_model("quickscan", "Round")
    Response = apps.get_model("quickscan", "Response")
    for round_ in Round.objects.filter(status="closed", results_snapshot__isnull=True):
        answers = [
            SubmittedAnswers(group=slug, answers=given, bound=channel == "personal")
            for slug, given, channel in Response.objects.filter(round=round_, submitted=True)
            .values_list("group__slug", "answers", "channel").iterator()
        ]
        tally = tally_responses(instrument(round_.instrument_version), answers)
        Round.objects.filter(pk=round_.pk).update(results_snapshot=tally.to_json())


def empty(apps: Any, schema_editor: Any) -> None:
    apps.get_model("quickscan", "Round").objects.update(results_snapshot=None)


class Migration(migrations.Migration):
    dependencies = [("quickscan", "0006_results_snapshot")]
    operations = [migrations.RunPython(fill, empty)]
