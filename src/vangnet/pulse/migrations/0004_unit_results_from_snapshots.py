"""Fill the per-unit result rows (ADR 0135) of the waves closed before they existed, from each
wave's suppressed snapshot: the same entries, nothing recomputed, so nothing is shown that was not
shown before. Waves are read in batches; reversing empties the rows (the snapshots stay)."""

from django.db import migrations

BATCH = 50


def forwards(apps, schema_editor):
    PulseRound = apps.get_model("pulse", "PulseRound")
    PulseUnitResult = apps.get_model("pulse", "PulseUnitResult")
    ids = list(PulseRound.objects.filter(results__isnull=False).exclude(
        unit_results__isnull=False).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        rows = []
        for round_id, data in PulseRound.objects.filter(
                pk__in=ids[start:start + BATCH]).values_list("pk", "results"):
            for entry in (data or {}).get("units", []):
                if entry.get("unit_id") is None:
                    continue
                rows.append(PulseUnitResult(round_id=round_id, unit_id=entry["unit_id"],
                                            group_id=entry["group_id"], entry=entry))
        PulseUnitResult.objects.bulk_create(rows, batch_size=1000)


def backwards(apps, schema_editor):
    apps.get_model("pulse", "PulseUnitResult").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("pulse", "0003_unit_results"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
