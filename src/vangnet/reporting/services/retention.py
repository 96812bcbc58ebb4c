"""Destroying a report for good at the end of its retention term (called by cases).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from vangnet.core.service import service_write

from ..models import (
    Report,
)

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile


def report_destroy(*, report_id: int) -> bool:
    """Destroy a report for good at the end of its retention term (called by cases' retention
    job, which keeps only its own non-identifying figures): the encrypted files are removed from
    storage, then the report row with everything that hangs on it — narrative and sealed keys,
    messages, questions, attachments' metadata, recipients and grants. Nothing of the report is
    left to decrypt, with any key. Audited with ids only; a second call finds nothing and returns
    False."""
    with service_write(action="reporting.report_destroyed", actor=None,
                       actor_label="system") as change:
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            change.nothing_changed()
            return False
        files = [attachment.file for attachment in report.attachments.all()]
        change.organisation_id = report.organisation_id
        report.delete()
        # No target: the entry names the report by id only (its row is gone).
        change.data = {"report_id": report_id, "files": len(files)}
        # Files go only once the rows are gone for certain: a rollback keeps both.
        transaction.on_commit(lambda: _delete_files(files))
    return True


def _delete_files(files: list[FieldFile]) -> None:
    for file in files:
        file.delete(save=False)
