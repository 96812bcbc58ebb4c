"""Fixtures for cases: an organisation with an advisor (with keys), HR, a coordinator, and a
quick way to submit a report through reporting's real service (which opens the case)."""

from __future__ import annotations

from typing import Any

import pytest

from support.people import PASSWORD, make_member, make_unit
from vangnet.organisations.roles import Role


def give_keys(membership: Any) -> bytes:
    from vangnet.reporting.keys import keypair_create

    _pair, private, _recovery = keypair_create(user=membership.user, password=PASSWORD)
    return private


def actor_of(membership: Any) -> Any:
    from vangnet.organisations.models import Membership
    from vangnet.organisations.selectors import actor_for

    return actor_for(Membership.objects.get(pk=membership.pk))


@pytest.fixture
def unit(organisation: Any) -> Any:
    return make_unit(organisation, "Team Zorg")


@pytest.fixture
def advisor(organisation: Any) -> Any:
    member = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, name="Anna Advies",
                         email="anna.advies@example.org")
    member.private_key = give_keys(member)
    return member


@pytest.fixture
def hr(organisation: Any) -> Any:
    member = make_member(organisation, Role.EMPLOYEE, Role.HR, name="Hans HR",
                         email="hans.hr@example.org")
    member.private_key = give_keys(member)
    return member


@pytest.fixture
def coordinator(organisation: Any) -> Any:
    return make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR, name="Cor Coördinator",
                       email="cor@example.org")


@pytest.fixture
def employee(organisation: Any) -> Any:
    return make_member(organisation, Role.EMPLOYEE, name="Eva Employee", email="eva@example.org")


@pytest.fixture
def submit(organisation: Any, advisor: Any) -> Any:
    """Submit a report to the advisor; returns (report, receipt code, case)."""
    from vangnet.cases.models import Case
    from vangnet.reporting.services import report_submit

    def _submit(**kwargs: Any) -> Any:
        kwargs.setdefault("organisation", organisation)
        kwargs.setdefault("category", "pesten")
        kwargs.setdefault("mode", "confidential")
        kwargs.setdefault("recipient", advisor)
        kwargs.setdefault("parts", {
            "narrative": "Mijn collega scheldt me al weken uit.",
            "where": "In de kantine.",
            "impact": "Ik slaap er slecht van.",
            "identity": "Piet Melder",
        })
        report, code = report_submit(**kwargs)
        return report, code, Case.objects.get(report=report)

    return _submit


@pytest.fixture
def run_job(django_capture_on_commit_callbacks: Any) -> Any:
    """Run the due-work job and its on-commit e-mails, as a worker would."""
    from vangnet.cases import tasks

    def _run(now: Any = None) -> dict[str, int]:
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.run_due_work(now)

    return _run
