"""The demo: reporting's demo reports become cases with states on top; running twice adds nothing."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_demo_seed_is_idempotent():
    from vangnet.cases import demo as cases_demo
    from vangnet.cases.models import AdviceContact, Case
    from vangnet.organisations import demo as organisations_demo
    from vangnet.reporting import demo as reporting_demo

    for _ in range(2):
        organisation, people = organisations_demo.seed_organisations()
        reporting_demo.seed(organisation=organisation, people=people)
        cases_demo.seed(organisation=organisation, people=people)
    states = sorted(Case.objects.filter(organisation=organisation).values_list("state", flat=True))
    assert len(states) == 5
    assert {"received", "in_conversation", "aftercare", "informal", "closed"} == set(states)
    assert AdviceContact.objects.filter(organisation=organisation).count() == 8
