"""Destroying a report at the end of its term, as an attacker with a database dump and the media
directory would check it: nothing of the report is left to decrypt, with any key (issue 11).

Before, cases deleted reporting's rows itself (reporting offered no service); now reporting's own
`report_destroy` does it, and cases calls it through its one seam, `cases/integration.py`."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from PIL import Image

from vangnet.cases import integration, services
from vangnet.cases.models import Case
from vangnet.core.models import AuditEntry
from vangnet.core.storage import private_storage
from vangnet.reporting import public as reporting
from vangnet.reporting.models import Attachment
from vangnet.reporting.services import UploadedAttachment

from .conftest import actor_of

pytestmark = pytest.mark.django_db(transaction=True)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (12, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _reporting_rows(report_id: int) -> dict[str, int]:
    """Every row in any reporting table that still points at this report."""
    found = {}
    for model in apps.get_app_config("reporting").get_models():
        field_names = {field.name for field in model._meta.get_fields()}
        if "report" in field_names:
            count = model.objects.filter(report_id=report_id).count()
        elif model._meta.model_name == "report":
            count = model.objects.filter(pk=report_id).count()
        else:
            continue
        if count:
            found[model._meta.label] = count
    return found


def _full_report(submit, advisor, hr):
    report, _code, case = submit(attachments=[UploadedAttachment("bewijs.png", _png())])
    actor = actor_of(advisor)
    reporting.message_post(report=report, actor=actor, body="Dank voor je melding.",
                           private_key=advisor.private_key)
    reporting.dialogue_ask(report=report, actor=actor, kind="choice", body="Mogen we bellen?",
                           choices=[("ja", "Ja"), ("nee", "Nee")], ref="test:1",
                           private_key=advisor.private_key)
    reporting.report_grant_access(actor=actor, report=report, membership=hr, parts=["narrative"],
                                  private_key=advisor.private_key, reason="Toestemming gekregen.")
    return report, case


def test_destroy_leaves_nothing_of_the_report_in_the_database_or_on_disk(submit, advisor, hr):
    report, _case = _full_report(submit, advisor, hr)
    files = [Path(private_storage().path(name)) for name in
             Attachment.objects.filter(report=report).values_list("file", flat=True)]
    assert files and all(path.exists() for path in files)
    rows = _reporting_rows(report.pk)
    assert {"reporting.Report", "reporting.Message", "reporting.Attachment",
            "reporting.DialogueQuestion", "reporting.ReportGrant",
            "reporting.ReportRecipient"} <= set(rows)

    assert integration.destroy_report(report_id=report.pk) is True

    assert _reporting_rows(report.pk) == {}
    assert not any(path.exists() for path in files)
    entry = AuditEntry.objects.get(action="reporting.report_destroyed")
    assert entry.data == {"report_id": report.pk, "files": 1}  # ids only, never content
    # A second call finds nothing, writes nothing.
    assert integration.destroy_report(report_id=report.pk) is False
    assert AuditEntry.objects.filter(action="reporting.report_destroyed").count() == 1


def test_retention_destroys_through_reportings_service_and_keeps_the_case_figures(submit, advisor,
                                                                                  hr):
    report, case = _full_report(submit, advisor, hr)
    other, _code, kept = submit()
    actor = actor_of(advisor)
    case.refresh_from_db()
    assert case.state == "acknowledged"  # the advisor's message in the dialogue counted (issue 13)
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case,
                             name="start_conversation")
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case,
                             name="conclude", outcome="advice")
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="close")
    case = Case.objects.get(pk=case.pk)

    counts = services.retention_purge(now=case.retain_until + timedelta(minutes=1))

    assert counts["reports"] == 1
    assert _reporting_rows(report.pk) == {}
    assert AuditEntry.objects.filter(action="reporting.report_destroyed",
                                     data__report_id=report.pk).exists()
    case = Case.objects.get(pk=case.pk)
    assert case.report_id is None and case.category == "pesten"  # the figures stay
    assert _reporting_rows(other.pk)  # the other report is untouched
    assert Case.objects.get(pk=kept.pk).report_id == other.pk
