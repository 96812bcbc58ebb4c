"""Removing a recipient (ADR 0031): by a fellow recipient on the report page, or by the coordinator
for someone who left, from all their reports at once. A report never becomes unreadable."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from support.people import PASSWORD, make_member
from vangnet.core.models import AuditEntry
from vangnet.organisations.models import Membership
from vangnet.organisations.roles import Role
from vangnet.reporting import holdings, selectors, services
from vangnet.reporting.models import ReportRecipient

from .conftest import give_keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(organisation):
    return make_member(organisation, Role.COORDINATOR, name="Cor Coord")


def _member(membership):
    """Fresh from the database, as views and services get it."""
    return Membership.objects.prefetch_related("roles").get(pk=membership.pk)


def _leave(membership) -> None:
    """Left, with the rows still in place (as before the role-change hook revokes them). A raw
    update skips the service and its event, so the running totals are refreshed as that event's
    handler does (docs/adr/0095)."""
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    holdings.refresh(ReportRecipient.objects.filter(membership_id=membership.pk)
                     .values_list("report_id", flat=True))


def _is_recipient(report, membership) -> bool:
    return ReportRecipient.objects.filter(report=report, membership=membership,
                                          revoked_at__isnull=True).exists()


def _advisor(organisation, name):
    member = make_member(organisation, Role.ADVISOR, name=name)
    member.private_key = give_keys(member)
    return member


# --- The service ----------------------------------------------------------------------------


def test_a_recipient_removes_a_colleague_who_then_loses_everything(
    advisor, external_advisor, submit, as_actor, mailoutbox, django_capture_on_commit_callbacks,
) -> None:
    report, code = submit(extra_recipients=[external_advisor])
    removed = services.report_remove_recipient(actor=as_actor(advisor), report=report,
                                               membership=_member(external_advisor))
    assert removed.sealed_key is None and removed.revoked_at is not None
    them = as_actor(external_advisor)
    with pytest.raises(Http404):
        selectors.report_get_for_actor(actor=them, pk=report.pk)
    assert not selectors.reports_for_actor(actor=them).exists()
    with pytest.raises(PermissionDenied):
        services.report_key_for_recipient(report=report, membership_id=external_advisor.pk,
                                          private_key=external_advisor.private_key)
    entry = AuditEntry.objects.get(action="reporting.remove_recipient")
    assert entry.actor_id == advisor.user_id
    assert entry.data == {"membership_id": external_advisor.pk, "by_coordinator": False}
    # The reporter writes again: only the remaining recipient is told.
    access = services.reporter_open(code=code)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reporter_reply(access=access, body="Nog een vraag.")
    assert [m.to for m in mailoutbox] == [[advisor.user.email]]


def test_a_recipient_removes_themselves_but_never_as_the_last(advisor, external_advisor, submit,
                                                              as_actor, coordinator) -> None:
    services.recovery_key_create(actor=as_actor(coordinator))
    report, _ = submit(extra_recipients=[external_advisor])
    services.report_remove_recipient(actor=as_actor(external_advisor), report=report,
                                     membership=_member(external_advisor))
    # The advisor is now the only one: even with the organisation recovery copy, refused.
    with pytest.raises(ValidationError) as refused:
        services.report_remove_recipient(actor=as_actor(advisor), report=report,
                                         membership=_member(advisor))
    assert "herstelsleutel" in str(refused.value)
    assert _is_recipient(report, advisor)


def test_an_active_colleague_must_remain(organisation, advisor, external_advisor, submit,
                                         as_actor) -> None:
    """The only other key holder has left: leaving the report to them would strand it."""
    report, _ = submit(extra_recipients=[external_advisor])
    _leave(external_advisor)
    with pytest.raises(ValidationError):
        services.report_remove_recipient(actor=as_actor(advisor), report=report,
                                         membership=_member(advisor))
    # Removing the colleague who left is fine: the advisor still holds the key.
    services.report_remove_recipient(actor=as_actor(advisor), report=report,
                                     membership=_member(external_advisor))
    assert not _is_recipient(report, external_advisor) and _is_recipient(report, advisor)


def test_people_who_are_not_on_the_report_cannot_remove(organisation, other_organisation, advisor,
                                                        external_advisor, submit, as_actor) -> None:
    report, _ = submit(extra_recipients=[external_advisor])
    hr = make_member(organisation, Role.HR)
    hr.private_key = give_keys(hr)
    services.report_grant_access(actor=as_actor(advisor), report=report, membership=hr,
                                 parts=["narrative"], private_key=advisor.private_key, reason="x")
    outsiders = [
        make_member(organisation, Role.EMPLOYEE),
        _advisor(organisation, "Niet Op Deze Melding"),
        hr,  # holds a grant, but is no recipient
        make_member(other_organisation, Role.ADVISOR, Role.COORDINATOR),
    ]
    for outsider in outsiders:
        with pytest.raises(PermissionDenied):
            services.report_remove_recipient(actor=as_actor(outsider), report=report,
                                             membership=_member(external_advisor))
    assert _is_recipient(report, external_advisor)


def test_removing_someone_who_is_not_a_recipient_is_refused(organisation, other_organisation,
                                                            advisor, external_advisor, submit,
                                                            as_actor) -> None:
    report, _ = submit(extra_recipients=[external_advisor])
    never = _advisor(organisation, "Nooit Ontvanger")
    elsewhere = make_member(other_organisation, Role.ADVISOR)
    services.report_remove_recipient(actor=as_actor(advisor), report=report,
                                     membership=_member(external_advisor))
    for person in (never, elsewhere, external_advisor):  # the last one: already removed
        with pytest.raises(ValidationError):
            services.report_remove_recipient(actor=as_actor(advisor), report=report,
                                             membership=_member(person))
    assert AuditEntry.objects.filter(action="reporting.remove_recipient").count() == 1


def test_the_coordinator_removes_only_someone_who_left(organisation, advisor, external_advisor,
                                                       submit, as_actor, coordinator) -> None:
    report, _ = submit(extra_recipients=[external_advisor])
    with pytest.raises(PermissionDenied):  # still working here: their colleague decides
        services.report_remove_recipient(actor=as_actor(coordinator), report=report,
                                         membership=_member(external_advisor))
    _leave(external_advisor)
    services.report_remove_recipient(actor=as_actor(coordinator), report=report,
                                     membership=_member(external_advisor))
    assert not _is_recipient(report, external_advisor)
    entry = AuditEntry.objects.get(action="reporting.remove_recipient")
    assert entry.actor_id == coordinator.user_id and entry.data["by_coordinator"] is True


def test_the_coordinator_never_removes_the_last_copy_of_the_key(advisor, submit, as_actor,
                                                                coordinator) -> None:
    report, _ = submit()  # no organisation recovery key yet: the advisor holds the only copy
    _leave(advisor)
    with pytest.raises(ValidationError) as refused:
        services.report_remove_recipient(actor=as_actor(coordinator), report=report,
                                         membership=_member(advisor))
    assert "onleesbaar" in str(refused.value)
    assert _is_recipient(report, advisor)


# --- The coordinator: everyone who left, from all their reports at once ---------------------


def test_coordinator_removes_someone_who_left_from_all_reports(organisation, advisor,
                                                              external_advisor, submit, as_actor,
                                                              coordinator) -> None:
    services.recovery_key_create(actor=as_actor(coordinator))
    shared, _ = submit(extra_recipients=[external_advisor])
    alone, _ = submit(recipient=advisor)
    not_theirs, _ = submit(recipient=external_advisor)
    me = as_actor(coordinator)
    before = {h.membership.pk: h for h in selectors.recipient_holdings(actor=me).holdings}
    assert (before[advisor.pk].reports, before[advisor.pk].alone, before[advisor.pk].stuck) == (2, 1, 0)
    assert not before[advisor.pk].has_left and not before[advisor.pk].can_remove_everywhere
    # Small numbers of someone who still works here are not shown exactly on the page.
    assert (before[advisor.pk].reports_shown, before[advisor.pk].alone_shown) == ("< 5", "< 5")
    with pytest.raises(ValidationError):  # still working here
        services.reports_remove_recipient(actor=me, membership=_member(advisor))
    _leave(advisor)
    overview = selectors.recipient_holdings(actor=me)
    assert overview.unreadable == 1 and overview.unreadable_recoverable == 1
    leaver = next(h for h in overview.holdings if h.membership.pk == advisor.pk)
    assert (leaver.reports_shown, leaver.alone_shown) == ("2", "1")  # the work to do, exactly
    assert services.reports_remove_recipient(actor=me, membership=_member(advisor)) == 2
    assert not _is_recipient(shared, advisor) and not _is_recipient(alone, advisor)
    assert _is_recipient(shared, external_advisor) and _is_recipient(not_theirs, external_advisor)
    entries = AuditEntry.objects.filter(action="reporting.remove_recipient")
    assert sorted(int(e.object_id) for e in entries) == sorted([shared.pk, alone.pk])
    summary = AuditEntry.objects.get(action="reporting.remove_recipient_everywhere")
    assert summary.data == {"count": 2} and summary.object_id == str(advisor.pk)
    after = selectors.recipient_holdings(actor=me)
    assert advisor.pk not in {h.membership.pk for h in after.holdings}
    assert after.unreadable == 1  # waits for a successor via the recovery key


def test_removing_everywhere_is_all_or_nothing(advisor, external_advisor, submit, as_actor,
                                               coordinator) -> None:
    shared, _ = submit(extra_recipients=[external_advisor])
    only_copy, _ = submit(recipient=advisor)  # no recovery key exists: the advisor's is the only copy
    _leave(advisor)
    me = as_actor(coordinator)
    holding = selectors.recipient_holdings(actor=me, membership=_member(advisor)).holdings[0]
    assert holding.stuck == 1 and not holding.can_remove_everywhere
    with pytest.raises(ValidationError) as refused:
        services.reports_remove_recipient(actor=me, membership=_member(advisor))
    assert "niets veranderd" in str(refused.value)
    assert _is_recipient(shared, advisor) and _is_recipient(only_copy, advisor)
    assert not AuditEntry.objects.filter(action__startswith="reporting.remove_recipient").exists()


def test_only_the_coordinator_of_the_organisation_removes_everywhere(
    organisation, other_organisation, advisor, external_advisor, submit, as_actor,
) -> None:
    submit(extra_recipients=[external_advisor])
    _leave(advisor)
    for outsider in (external_advisor, make_member(organisation, Role.EMPLOYEE),
                     make_member(other_organisation, Role.COORDINATOR)):
        with pytest.raises(PermissionDenied):
            services.reports_remove_recipient(actor=as_actor(outsider), membership=_member(advisor))
        if outsider.organisation_id == organisation.pk and not outsider.role_set & {Role.COORDINATOR}:
            with pytest.raises(PermissionDenied):
                selectors.recipient_holdings(actor=as_actor(outsider))
    elsewhere = make_member(other_organisation, Role.ADVISOR)
    _leave(elsewhere)
    coordinator = make_member(organisation, Role.COORDINATOR)
    with pytest.raises(PermissionDenied):
        services.reports_remove_recipient(actor=as_actor(coordinator), membership=_member(elsewhere))


# --- The report page and its confirmation ---------------------------------------------------


def _unlock(client, member) -> None:
    client.force_login(member.user)
    response = client.post(reverse("reporting:unlock", args=[member.organisation.slug]),
                           {"password": PASSWORD})
    # A wrong password answers 200 with the form again; only a real unlock redirects and sets
    # the wrapping cookie (the first time, the recovery key page is shown with it: 200 + cookie).
    assert response.status_code in (200, 302), response.status_code
    assert response.cookies.get("vn_keywrap") and response.cookies["vn_keywrap"].value, \
        "the key was not unlocked"


def _remove_url(report, membership) -> str:
    return reverse("reporting:recipient_remove",
                   args=[report.organisation.slug, report.pk, membership.pk])


def test_remove_a_colleague_through_the_page(client, advisor, external_advisor, submit) -> None:
    report, _ = submit(parts={"narrative": "Inhoud van de melding"}, extra_recipients=[external_advisor])
    _unlock(client, advisor)
    detail = client.get(reverse("reporting:detail", args=[report.organisation.slug, report.pk]))
    assert _remove_url(report, external_advisor) in detail.content.decode()
    url = _remove_url(report, external_advisor)
    page = client.get(url)
    assert page.status_code == 200 and "Erik Extern" in page.content.decode()
    assert "Inhoud van de melding" not in page.content.decode()
    assert page["Cache-Control"].startswith("no-store") or "no-store" in page["Cache-Control"]
    # Neither looking nor a POST without the confirmation changes anything.
    assert client.post(url, {}).status_code == 200
    assert _is_recipient(report, external_advisor)
    done = client.post(url, {"confirm": "1"})
    assert done.status_code == 302 and done["Location"].endswith(f"/meldingen/{report.pk}/")
    assert not _is_recipient(report, external_advisor)
    # The removed colleague: 404 on the report and its confirmation page, gone from their inbox.
    _unlock(client, external_advisor)
    assert client.get(reverse("reporting:detail", args=[report.organisation.slug, report.pk])).status_code == 404
    assert client.get(_remove_url(report, advisor)).status_code == 404
    assert client.post(_remove_url(report, advisor), {"confirm": "1"}).status_code == 404
    inbox = client.get(reverse("reporting:inbox", args=[report.organisation.slug]))
    assert f"/meldingen/{report.pk}/" not in inbox.content.decode()
    assert _is_recipient(report, advisor)


def test_removing_yourself_goes_back_to_the_inbox(client, advisor, external_advisor, submit) -> None:
    report, _ = submit(extra_recipients=[external_advisor])
    client.force_login(external_advisor.user)
    done = client.post(_remove_url(report, external_advisor), {"confirm": "1"})
    assert done.status_code == 302
    assert done["Location"] == reverse("reporting:inbox", args=[report.organisation.slug])
    assert not _is_recipient(report, external_advisor)


def test_the_last_recipient_is_refused_with_a_clear_message(client, advisor, submit) -> None:
    report, _ = submit()
    _unlock(client, advisor)
    detail = client.get(reverse("reporting:detail", args=[report.organisation.slug, report.pk]))
    assert _remove_url(report, advisor) not in detail.content.decode()
    assert detail.context["only_me"]
    page = client.get(_remove_url(report, advisor))
    assert page.status_code == 200 and b'name="confirm"' not in page.content
    refused = client.post(_remove_url(report, advisor), {"confirm": "1"})
    assert refused.status_code == 200 and "herstelsleutel" in refused.context["error"]
    assert _is_recipient(report, advisor)


def test_the_confirmation_page_is_hidden_from_everyone_else(client, organisation, other_organisation,
                                                            advisor, external_advisor, submit) -> None:
    report, _ = submit(extra_recipients=[external_advisor])
    url = _remove_url(report, external_advisor)
    employee = make_member(organisation, Role.EMPLOYEE)
    other_advisor = _advisor(organisation, "Andere Adviseur")
    elsewhere = _advisor(other_organisation, "Elders")
    both = make_member(other_organisation, Role.ADVISOR)  # member of both organisations
    make_member(organisation, Role.EMPLOYEE, email=both.user.email)
    for outsider in (employee, other_advisor, elsewhere):
        client.force_login(outsider.user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"confirm": "1"}).status_code == 404
    # A recipient of another organisation asking through their own organisation's address.
    client.force_login(both.user)
    wrong_org = reverse("reporting:recipient_remove",
                        args=[other_organisation.slug, report.pk, external_advisor.pk])
    assert client.post(wrong_org, {"confirm": "1"}).status_code == 404
    # Someone who is not on the report cannot be "removed" through the address either.
    client.force_login(advisor.user)
    assert client.get(_remove_url(report, employee)).status_code == 404
    assert _is_recipient(report, external_advisor)


def test_the_confirmation_needs_the_csrf_token(advisor, external_advisor, submit) -> None:
    from django.test import Client

    report, _ = submit(extra_recipients=[external_advisor])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(advisor.user)
    assert strict.post(_remove_url(report, external_advisor), {"confirm": "1"}).status_code == 403
    assert _is_recipient(report, external_advisor)


def test_report_page_queries_do_not_grow_with_recipients(client, organisation, advisor, submit,
                                                         as_actor) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report, _ = submit()
    _unlock(client, advisor)
    url = reverse("reporting:detail", args=[organisation.slug, report.pk])
    # One colleague first: adding one tells the reporter, so the thread is not empty either way.
    services.report_add_recipient(actor=as_actor(advisor), report=report,
                                  membership=_advisor(organisation, "Collega eerst"),
                                  private_key=advisor.private_key)
    client.get(url)  # first visit seals for recovery etc.
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for number in range(3):
        colleague = _advisor(organisation, f"Collega {number}")
        services.report_add_recipient(actor=as_actor(advisor), report=report,
                                      membership=colleague, private_key=advisor.private_key)
    with CaptureQueriesContext(connection) as four:
        page = client.get(url)
    assert page.content.decode().count("/ontvangers/") == 5
    assert len(four.captured_queries) == len(one.captured_queries)


# --- The coordinator's pages ------------------------------------------------------------------


def test_coordinator_pages(client, organisation, other_organisation, advisor, external_advisor,
                           submit, coordinator, as_actor) -> None:
    services.recovery_key_create(actor=as_actor(coordinator))
    report, _ = submit(parts={"narrative": "Geheim verhaal"}, extra_recipients=[external_advisor])
    submit(recipient=advisor)
    slug = organisation.slug
    overview_url = reverse("reporting:recipients", args=[slug])
    remove_url = reverse("reporting:recipient_remove_everywhere", args=[slug, advisor.pk])
    client.force_login(advisor.user)
    assert client.get(overview_url).status_code == 403
    assert client.post(remove_url, {"confirm": "1"}).status_code == 403
    client.force_login(coordinator.user)
    page = client.get(overview_url)
    body = page.content.decode()
    assert page.status_code == 200 and "Anna Advies" in body and "Geheim verhaal" not in body
    assert remove_url not in body  # Anna still works here
    assert "&lt; 5" in body  # ... so her small numbers are not shown exactly
    still_here = client.get(remove_url).content.decode()  # typed in by hand: no count either
    assert "ontvangt nog" not in still_here and "werkt hier nog" in still_here
    _leave(advisor)
    body = client.get(overview_url).content.decode()
    assert remove_url in body
    confirm = client.get(remove_url)
    assert confirm.status_code == 200 and confirm.context["holding"].reports == 2
    assert client.post(remove_url, {}).status_code == 200  # no confirmation: nothing happens
    assert _is_recipient(report, advisor)
    done = client.post(remove_url, {"confirm": "1"})
    assert done.status_code == 302 and done["Location"] == overview_url
    assert not ReportRecipient.objects.filter(membership=advisor, revoked_at__isnull=True).exists()
    # Now they hold nothing: the page sends the coordinator back to the overview.
    assert client.get(remove_url).status_code == 302
    # People of another organisation do not exist here.
    stranger = make_member(other_organisation, Role.ADVISOR)
    assert client.get(reverse("reporting:recipient_remove_everywhere",
                              args=[slug, stranger.pk])).status_code == 404
