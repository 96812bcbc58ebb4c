"""Two-person recovery in a real browser, with axe on every page: the coordinator asks, a
second person approves, the coordinator enters the offline key; the reporter is told."""

from __future__ import annotations

import pytest

from support.browser import assert_accessible
from support.people import PASSWORD, make_member
from vangnet.organisations.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_two_people_give_a_waiting_report_to_a_successor(page, login, organisation, advisor) -> None:
    from vangnet.organisations.selectors import actor_for
    from vangnet.organisations.services import membership_update
    from vangnet.reporting import selectors, services
    from vangnet.reporting.keys import keypair_create
    from vangnet.reporting.models import ReportRecipient

    slug = organisation.slug
    coordinator = make_member(organisation, Role.COORDINATOR, name="Cor Coord",
                              email="cor@example.org")
    committee = make_member(organisation, Role.COMPLAINTS_COMMITTEE, name="Kim Commissie",
                            email="kim@example.org")
    successor = make_member(organisation, Role.ADVISOR, name="Sam Opvolger", email="sam@example.org")
    keypair_create(user=successor.user, password=PASSWORD)
    _key, offline = services.recovery_key_create(actor=actor_for(coordinator))
    report, code = services.report_submit(organisation=organisation, category="pesten",
                                          mode="anonymous", parts={"narrative": "Wacht op iemand"},
                                          recipient=advisor)
    # The advisor leaves: her access ends, the report waits for a successor.
    membership_update(actor=actor_for(coordinator), membership=advisor, roles=[Role.ADVISOR],
                      unit=None, job_title="", is_external=False, is_active=False)

    # 1. The coordinator asks.
    login(coordinator.user.email)
    page.goto(f"/o/{slug}/meldingen/herstelverzoeken/")
    assert_accessible(page)
    page.select_option("select[name=successor]", str(successor.pk))
    page.fill("textarea[name=reason]", "Anna is uit dienst sinds 1 maart.")
    page.click("main button[name=ask]")
    page.wait_for_selector("[data-testid=request-status][data-status=pending]")
    assert page.locator("main button[name=approve]").count() == 0  # not their own
    assert_accessible(page)
    request_url = page.url
    # Keep the coordinator's session: a second login within the same 30 seconds would reuse a
    # one-time code, which allauth rightly refuses.
    coordinator_session = page.context.cookies()

    # 2. A second person approves.
    page.context.clear_cookies()
    login(committee.user.email)
    page.goto(request_url)
    assert_accessible(page)
    page.click("main button[name=approve]")
    page.wait_for_selector("[data-testid=request-status][data-status=approved]")
    assert page.locator("main button[name=approve]").count() == 0
    assert page.locator("main input[name=recovery_key]").count() == 0  # the approver never carries out

    # 3. The coordinator enters the offline key.
    page.context.clear_cookies()
    page.context.add_cookies(coordinator_session)
    page.goto(request_url)
    page.fill("input[name=recovery_key]", "VNR-FOUT")
    page.click("main button[name=carry_out]")
    page.wait_for_selector("main .utrecht-form-field-error-message, main .errorlist")
    assert_accessible(page)
    page.fill("input[name=recovery_key]", offline)
    page.click("main button[name=carry_out]")
    page.wait_for_selector("[data-testid=request-status][data-status=done]")
    assert_accessible(page)
    assert ReportRecipient.objects.filter(report=report, membership=successor,
                                          revoked_at__isnull=True).exists()
    access = services.reporter_open(code=code)
    assert any("Sam Opvolger" in m.body for m in selectors.reporter_view(access=access).messages)
