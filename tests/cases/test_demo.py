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
    # ... plus one conversation with a unit and a lesson (issue 13).
    assert AdviceContact.objects.filter(organisation=organisation).count() == \
        len(cases_demo.ADVICE) + len(cases_demo.LAST_YEAR_ADVICE) + 1
    from vangnet.cases.models import AftercareMoment, CaseCategory, Lesson

    assert AdviceContact.objects.filter(organisation=organisation, unit__isnull=False).count() == 1
    assert Lesson.objects.filter(organisation=organisation, advice_contact__isnull=False).count() == 1
    assert AftercareMoment.objects.filter(plan__party="team", goal="restore_trust").count() == 1
    assert CaseCategory.objects.filter(case__organisation=organisation).count() == 6


@pytest.mark.django_db
def test_demo_has_a_published_year_with_figures_and_hidden_small_ones():
    from datetime import date

    from django.utils import timezone

    from vangnet.cases import demo as cases_demo
    from vangnet.cases import stats
    from vangnet.organisations import demo as organisations_demo
    from vangnet.reporting import demo as reporting_demo

    organisation, people = organisations_demo.seed_organisations()
    reporting_demo.seed(organisation=organisation, people=people)
    cases_demo.seed(organisation=organisation, people=people)
    this_year = timezone.localdate().year
    report = stats.published_yearly_report(organisation_id=organisation.pk,
                                           organisation_name=organisation.name,
                                           year=this_year - 1, today=date(this_year, 3, 1))
    assert report is not None
    assert report.advice_contacts.display == str(len(cases_demo.LAST_YEAR_ADVICE))
    advice = {b.slug: b for b in report.breakdowns}["advice_category"]
    cells = {row.key: row.cell.display for row in advice.rows}
    assert cells["werkdruk"] == "6"
    # Three single conversations, and the 5 beside them so that they cannot be subtracted.
    assert cells["intimidatie"] == cells["discriminatie"] == cells["overig"] == "< 5"
    assert cells["pesten"] == "< 5"
