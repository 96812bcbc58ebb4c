"""One import job run by two workers at the same moment (the job queued twice, or a retry while the
first run is busy): the import happens once. One worker claims the job; the other skips it."""

from __future__ import annotations

from typing import Any

import pytest

from support.concurrency import require_real_concurrency, run_at_once
from vangnet.core.models import AuditEntry
from vangnet.organisations.models import ImportJob, Membership, Unit
from vangnet.organisations.roles import Role
from vangnet.organisations.tasks import import_job_run

CSV = ("type,code,name,parent_code,email,roles,unit_code,job_title\n"
       "unit,SD,Sociaal Domein,,,,,\n"
       "unit,SD-JGD,Team Jeugd,SD,,,,\n"
       + "".join(f"person,,Persoon {n},,persoon{n}@example.nl,medewerker,SD-JGD,\n" for n in range(30)))


@pytest.mark.django_db(transaction=True)
def test_two_workers_run_one_import_job_once(organisation: Any, member_factory: Any) -> None:
    require_real_concurrency()
    coordinator = member_factory(organisation, Role.EMPLOYEE, Role.COORDINATOR, email="coord@example.org")
    job = ImportJob.objects.create(organisation=organisation, created_by=coordinator.user,
                                   file_name="twice.csv", csv_text=CSV, total_rows=32)

    outcomes = run_at_once(lambda: import_job_run.call(job_id=job.pk))

    assert sorted(outcomes) == ["done", "skipped"], outcomes
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.summary["people_created"] == 30 and job.summary["units_created"] == 2
    assert AuditEntry.objects.filter(action="organisation.import").count() == 1
    assert Unit.objects.filter(organisation=organisation, code__in=["SD", "SD-JGD"]).count() == 2
    assert Membership.objects.filter(organisation=organisation,
                                     user__email__startswith="persoon").count() == 30


@pytest.mark.django_db
def test_a_job_that_is_running_or_finished_is_not_run_again(organisation: Any, member_factory: Any) -> None:
    coordinator = member_factory(organisation, Role.EMPLOYEE, Role.COORDINATOR, email="coord@example.org")
    running = ImportJob.objects.create(organisation=organisation, created_by=coordinator.user,
                                       file_name="a.csv", csv_text=CSV, status=ImportJob.Status.RUNNING)
    assert import_job_run.call(job_id=running.pk) == "skipped"
    assert not Membership.objects.filter(user__email__startswith="persoon").exists()
