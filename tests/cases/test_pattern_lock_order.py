"""Finding 5, second half: a report submission must not count the unit's cases while it holds the
organisation's audit chain head (every audited write of that organisation would queue behind it).

The queries of a real submission are captured in order; every count of cases, units and members
for the pattern signal must come before the first touch of the audit chain head. On PostgreSQL
that first touch is the `SELECT … FOR UPDATE` that takes the lock.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from support.people import make_member, make_unit
from vangnet.cases.models import PatternSignal
from vangnet.organisations.roles import Role

pytestmark = pytest.mark.django_db


def _first(queries: list[str], needle: str) -> int:
    return next(i for i, sql in enumerate(queries) if needle in sql)


def _pattern_reads(queries: list[str]) -> list[int]:
    return [i for i, sql in enumerate(queries)
            if 'COUNT(' in sql.upper() and ('"cases_case"' in sql or '"organisations_membership"' in sql)]


def test_pattern_counts_happen_before_the_audit_chain_is_locked(organisation, submit) -> None:
    unit = make_unit(organisation, "Team Groot")
    for _ in range(6):
        make_member(organisation, Role.EMPLOYEE, unit=unit)
    submit(unit=unit)
    with CaptureQueriesContext(connection) as captured:
        submit(unit=unit)  # the second case raises the unit signal
    queries = [query["sql"] for query in captured.captured_queries]
    assert PatternSignal.objects.filter(organisation=organisation, kind="unit").exists()
    head = _first(queries, '"core_auditchainhead"')
    counts = _pattern_reads(queries)
    assert counts, "the submission counted nothing: the test would prove nothing"
    assert max(counts) < head, "cases were counted while the audit chain head was locked"
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in queries[head]


def test_person_pattern_counts_happen_before_the_audit_chain_is_locked(
    organisation, submit, advisor
) -> None:
    from vangnet.cases import services

    from .conftest import actor_of, give_keys

    accused = make_member(organisation, Role.EMPLOYEE, name="Karel Klager")
    second = make_member(organisation, Role.ADVISOR, name="Tweede VP")
    second.private_key = give_keys(second)
    _r1, _c1, first_case = submit()
    _r2, _c2, second_case = submit()
    services.person_mark(actor=actor_of(advisor), case=first_case, person=accused,
                         private_key=advisor.private_key)
    with CaptureQueriesContext(connection) as captured:
        services.person_mark(actor=actor_of(advisor), case=second_case, person=accused,
                             private_key=advisor.private_key)
    assert PatternSignal.objects.filter(kind="person").exists()
    queries = [query["sql"] for query in captured.captured_queries]
    head = _first(queries, '"core_auditchainhead"')
    counts = [i for i, sql in enumerate(queries)
              if "COUNT(" in sql.upper() and '"cases_personmark"' in sql]
    assert counts and max(counts) < head
