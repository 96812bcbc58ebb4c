"""Encrypted attachments move out of MEDIA_ROOT (served under /media/) into the private storage.

The file names stay the same (`reporting/files/<random>.bin`); only the storage changes. Files
are copied first and removed from the public directory only once the copy is in place, so a
migration that is interrupted can simply run again. Rows whose file is missing in both places are
left as they are (the download view already answers 404 for those).
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import Storage, storages
from django.db import migrations, models

import vangnet.core.storage


def _move(source: Storage, target: Storage, attachments: Any) -> None:
    for attachment in attachments.iterator():
        name = attachment.file.name
        if not name or not source.exists(name):
            continue
        if not target.exists(name):
            with source.open(name, "rb") as handle:
                stored = target.save(name, handle)
            if stored != name:  # the target chose another name: keep the row pointing at it
                attachment.file.name = stored
                attachment.save(update_fields=["file"])
        source.delete(name)


def to_private(apps: Any, schema_editor: Any) -> None:
    Attachment = apps.get_model("reporting", "Attachment")
    _move(storages["default"], storages["private"], Attachment.objects.exclude(file=""))


def to_public(apps: Any, schema_editor: Any) -> None:
    Attachment = apps.get_model("reporting", "Attachment")
    _move(storages["private"], storages["default"], Attachment.objects.exclude(file=""))


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0002_route_contacts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attachment",
            name="file",
            field=models.FileField(storage=vangnet.core.storage.private_storage, upload_to="reporting/files/"),
        ),
        migrations.RunPython(to_private, to_public, elidable=False),
    ]
