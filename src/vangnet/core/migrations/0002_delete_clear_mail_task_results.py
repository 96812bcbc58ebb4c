"""Delete the stored tasks of the old `send_email` task (ADR 0051).

Until now every e-mail was queued as `send_email(subject, body, to)`: the rendered body, with
password-reset and invitation links in clear, stayed in the task table after sending. Those rows
are deleted, whatever their status. A mail still waiting would fail anyway (the task is gone);
let the worker empty the queue before upgrading (docs/operations.md).
"""

from django.db import migrations

OLD_TASK_PATHS = ["vangnet.core.tasks.send_email"]


def delete_clear_mail_tasks(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.using(schema_editor.connection.alias).filter(
        task_path__in=OLD_TASK_PATHS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunPython(delete_clear_mail_tasks, migrations.RunPython.noop, elidable=True),
    ]
