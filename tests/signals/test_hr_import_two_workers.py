"""One HR import run by two workers at the same moment: the figures are written once, one audit
entry says so, and the job ends done. One worker claims the job; the other skips it."""

from __future__ import annotations

from typing import Any

import pytest

from support.concurrency import require_real_concurrency, run_at_once
from support.people import make_member, make_unit
from vangnet.core.models import AuditEntry
from vangnet.organisations.roles import Role
from vangnet.signals.models import HRFigure, HRImport
from vangnet.signals.tasks import hr_import_run_task

HEADER = "kwartaal;afdeling;bezetting;verzuim;ziekmeldingen;uitstroom;exitthemas\n"


def _csv(units: list[str]) -> str:
    return HEADER + "".join(f"2026-K{q};{unit};12;5,4;3;1;werkdruk=1\n" for unit in units for q in (1, 2, 3))


@pytest.mark.django_db(transaction=True)
def test_two_workers_run_one_hr_import_once(organisation: Any) -> None:
    require_real_concurrency()
    units = [make_unit(organisation, f"Team {n}") for n in range(8)]
    hr = make_member(organisation, Role.EMPLOYEE, Role.HR, email="hr@example.org")
    job = HRImport.objects.create(organisation=organisation, created_by=hr.user, file_name="k.csv",
                                  csv_text=_csv([unit.name for unit in units]))

    outcomes = run_at_once(lambda: hr_import_run_task.call(job_id=job.pk))

    assert sorted(outcomes) == ["done", "skipped"], outcomes
    job.refresh_from_db()
    assert job.status == HRImport.Status.DONE and job.imported == 24
    assert HRFigure.objects.filter(organisation=organisation).count() == 24
    assert AuditEntry.objects.filter(action="signals.hr_import.done").count() == 1


@pytest.mark.django_db
def test_a_running_hr_import_is_not_run_again(organisation: Any) -> None:
    unit = make_unit(organisation, "Team Jeugd")
    job = HRImport.objects.create(organisation=organisation, file_name="k.csv", csv_text=_csv([unit.name]),
                                  status=HRImport.Status.RUNNING)
    assert hr_import_run_task.call(job_id=job.pk) == "skipped"
    assert not HRFigure.objects.exists()
