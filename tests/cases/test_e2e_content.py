"""Issue 13's content points in a real browser, axe with every rule at 1280 and 390 px: the report
page links to its case; on the case page the handler changes the categories and plans aftercare
for the team with "restoring trust"; an advice-only conversation is counted with a unit and a
lesson. Every step waits for a state, never for time."""

from __future__ import annotations

import pytest

from support.browser import assert_accessible, login
from support.people import make_member, make_unit
from vangnet.organisations.roles import Role

from .conftest import give_keys
from .test_e2e_handoff import _new_page, _unlock

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _both_widths(page, tmp_path, name: str) -> None:
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_categories_aftercare_and_advice_in_the_browser(browser, live_server, organisation,
                                                        tmp_path):
    from vangnet.cases.models import AdviceContact, AftercareMoment, Case, Lesson
    from vangnet.reporting.services import report_submit

    slug = organisation.slug
    team = make_unit(organisation, "Team Werkplaats")
    advisor = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, name="Anna Advies",
                          email="anna@example.org")
    give_keys(advisor)
    report, _code = report_submit(
        organisation=organisation, category="seksuele_intimidatie",
        other_categories=["discriminatie"], mode="anonymous", recipient=advisor,
        parts={"narrative": "Opmerkingen over mijn lichaam, alleen tegen vrouwen."})
    case = Case.objects.get()

    page = _new_page(browser, live_server)
    try:
        login(page, advisor.user.email)
        # The report page leads to the one case page.
        _unlock(page, slug, f"/o/{slug}/meldingen/{report.pk}/")
        page.goto(f"/o/{slug}/meldingen/{report.pk}/")
        link = page.locator("[data-testid=report-links] a")
        link.wait_for(state="visible")
        assert case.reference in link.inner_text()
        assert_accessible(page)
        link.click()
        page.wait_for_url(f"**/dossiers/{case.pk}/")
        facts = page.locator("[data-testid=case-categories]")
        assert "Seksuele intimidatie" in facts.inner_text()
        assert "Discriminatie" in facts.inner_text()

        # Categories: add "safety risk or near miss" and make it the main one.
        form = page.locator("[data-testid=categories-form]")
        form.get_by_label("Veiligheidsrisico of bijna-ongeval", exact=True).check()
        form.locator("select[name=primary]").select_option("veiligheid")
        form.locator("button[type=submit]").click()
        page.wait_for_url(lambda url: url.endswith("#categories"))
        facts.wait_for(state="visible")
        assert facts.inner_text().startswith("Veiligheidsrisico of bijna-ongeval")

        # Aftercare for the team, to restore trust.
        aftercare = page.locator("#aftercare form").first
        aftercare.locator("select[name=party]").select_option("team")
        aftercare.locator("select[name=goal]").select_option("restore_trust")
        aftercare.locator("input[name=planned_for]").fill("2099-01-15")
        aftercare.locator("input[name=topic]").fill("Teamsessie met begeleiding")
        aftercare.locator("button[type=submit]").click()
        page.wait_for_url(lambda url: url.endswith("#aftercare"))
        moment = page.locator("[data-testid=aftercare-moment]")
        moment.wait_for(state="visible")
        assert "Het team" in moment.inner_text() and "Herstel van vertrouwen" in moment.inner_text()
        _both_widths(page, tmp_path, "case")

        # An advice-only conversation with a unit and a lesson.
        page.goto(f"/o/{slug}/dossiers/adviesgesprekken/")
        page.locator("select[name=category]").select_option("veiligheid")
        page.locator("select[name=channel]").select_option("phone")
        page.locator("select[name=unit]").select_option(str(team.pk))
        page.locator("textarea[name=lesson]").fill(
            "Bijna-ongevallen worden niet besproken; een leersessie zonder schuldvraag helpt.")
        page.locator("main form button[type=submit]").click()
        page.locator("main table td", has_text="Team Werkplaats").wait_for(state="visible")
        _both_widths(page, tmp_path, "advice")
    finally:
        page.context.close()
    case.refresh_from_db()
    assert case.category == "veiligheid"
    assert AftercareMoment.objects.get().goal == "restore_trust"
    assert AdviceContact.objects.get().unit_id == team.pk
    assert Lesson.objects.get().advice_contact_id is not None
