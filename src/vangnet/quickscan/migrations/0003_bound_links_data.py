# Existing links learn their round; drafts that came through a shared link say so. Submitted
# answers cannot tell any more (that was the point of detaching them): they stay "unbound".

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    RespondentToken = apps.get_model("quickscan", "RespondentToken")
    RoundGroup = apps.get_model("quickscan", "RoundGroup")
    Response = apps.get_model("quickscan", "Response")
    RespondentToken.objects.filter(round__isnull=True).update(
        round_id=Subquery(RoundGroup.objects.filter(pk=OuterRef("group_id")).values("round_id")[:1])
    )
    Response.objects.filter(submitted=False).exclude(draft_key_hash="").update(channel="shared")


class Migration(migrations.Migration):

    dependencies = [("quickscan", "0002_bound_links")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
