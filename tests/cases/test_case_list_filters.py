"""The case list scales with work (issue 13): search by reference, filters on status, category
and unit, sorting; the number of queries does not grow with the cases or the filters."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from support.people import enable_totp, make_unit
from vangnet.cases.models import Case

pytestmark = pytest.mark.django_db


def _refs(html: str) -> list[str]:
    return re.findall(r'href="/o/[^/]+/dossiers/\d+/">([^<]+)</a>', html)


def _list(client, organisation, **params):
    url = reverse("cases:list", args=[organisation.slug])
    return client.get(url, {"toon": "all", **params}).content.decode()


def test_search_filters_and_sorting(client, organisation, advisor, submit) -> None:
    team = make_unit(organisation, "Team Noord")
    _r1, _c1, bullying = submit(category="pesten")
    _r2, _c2, harassment = submit(category="intimidatie", unit=team)
    _r3, _c3, other = submit(category="pesten", unit=team)
    Case.objects.filter(pk=other.pk).update(state="in_conversation")
    enable_totp(advisor.user)
    client.force_login(advisor.user)

    assert _refs(_list(client, organisation, zoek=harassment.reference.lower())) == [
        harassment.reference]
    assert _refs(_list(client, organisation, zoek="2026-NIETS")) == []
    assert set(_refs(_list(client, organisation, categorie="pesten"))) == {
        bullying.reference, other.reference}
    assert set(_refs(_list(client, organisation, afdeling=team.pk))) == {
        harassment.reference, other.reference}
    assert _refs(_list(client, organisation, status="in_conversation")) == [other.reference]
    assert _refs(_list(client, organisation, afdeling=team.pk, categorie="pesten")) == [
        other.reference]
    newest = _refs(_list(client, organisation, sorteer="newest"))
    assert newest == list(reversed(_refs(_list(client, organisation, sorteer="oldest"))))
    assert newest[0] == other.reference
    # Bad input: a clear message, never a 500, and the list still shows.
    page = client.get(reverse("cases:list", args=[organisation.slug]),
                      {"toon": "all", "status": "onzin", "afdeling": "x"})
    assert page.status_code == 200


def test_filtered_list_queries_do_not_grow_with_cases(client, organisation, advisor,
                                                      submit) -> None:
    team = make_unit(organisation, "Team Zuid")
    enable_totp(advisor.user)
    client.force_login(advisor.user)
    params = {"toon": "all", "categorie": "pesten", "afdeling": team.pk, "sorteer": "oldest"}
    url = reverse("cases:list", args=[organisation.slug])
    for _ in range(2):
        submit(category="pesten", unit=team)
    client.get(url, params)
    with CaptureQueriesContext(connection) as few:
        client.get(url, params)
    for _ in range(8):
        submit(category="pesten", unit=team)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, params).content.decode()
    assert len(_refs(page)) == 10
    assert len(many.captured_queries) == len(few.captured_queries)


def test_saved_filters_are_personal_and_apply(client, organisation, advisor, submit) -> None:
    from support.people import make_member
    from vangnet.cases.models import SavedCaseFilter
    from vangnet.core.models import AuditEntry
    from vangnet.organisations.roles import Role

    from .conftest import give_keys

    colleague = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, name="Carla Collega")
    give_keys(colleague)
    submit(category="pesten")
    _r2, _c2, harassment = submit(category="intimidatie")
    enable_totp(advisor.user)
    client.force_login(advisor.user)
    url = reverse("cases:list", args=[organisation.slug])
    response = client.post(reverse("cases:saved_filter_new", args=[organisation.slug]),
                           {"name": "Intimidatie", "toon": "all", "categorie": "intimidatie",
                            "zoek": "niet bewaard", "onzin": "x"})
    assert response.status_code == 302
    saved = SavedCaseFilter.objects.get()
    assert saved.params == {"toon": "all", "categorie": "intimidatie"}
    assert AuditEntry.objects.filter(action="cases.saved_filter_create").count() == 1
    page = client.get(url).content.decode()
    link = re.search(r'data-testid="saved-filters">.*?href="\?([^"]+)">Intimidatie', page, re.S)
    assert link is not None
    assert _refs(client.get(f"{url}?{link.group(1).replace('&amp;', '&')}").content.decode()) == [
        harassment.reference]
    # The same name twice: a clear message, nothing stored.
    client.post(reverse("cases:saved_filter_new", args=[organisation.slug]),
                {"name": "Intimidatie", "toon": "open"})
    assert SavedCaseFilter.objects.count() == 1
    # A colleague neither sees nor removes it.
    enable_totp(colleague.user)
    client.force_login(colleague.user)
    assert "Intimidatie</a>" not in client.get(url).content.decode()
    client.post(reverse("cases:saved_filter_delete", args=[organisation.slug, saved.pk]))
    assert SavedCaseFilter.objects.filter(pk=saved.pk).exists()
    client.force_login(advisor.user)
    client.post(reverse("cases:saved_filter_delete", args=[organisation.slug, saved.pk]))
    assert not SavedCaseFilter.objects.exists()


def test_the_handler_filter_narrows_to_a_colleagues_cases_flat_and_paged(
        client, organisation, advisor, submit, monkeypatch) -> None:
    from html import unescape

    from support.people import make_member
    from vangnet.cases import views
    from vangnet.cases.models import SavedCaseFilter
    from vangnet.organisations.roles import Role

    from .conftest import give_keys

    colleague = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, name="Carla Collega")
    give_keys(colleague)
    _r1, _c1, mine = submit()
    shared = [submit(extra_recipients=[colleague])[2] for _ in range(3)]
    _r3, _c3, hers = submit(recipient=colleague)  # not the advisor's: never in their list
    enable_totp(advisor.user)
    client.force_login(advisor.user)
    page = _list(client, organisation)
    assert f'<option value="{colleague.pk}">Carla Collega</option>' in page
    assert set(_refs(_list(client, organisation, behandelaar=colleague.pk))) == {
        c.reference for c in shared}
    assert set(_refs(_list(client, organisation, behandelaar=advisor.pk))) == {
        mine.reference, *(c.reference for c in shared)}
    assert hers.reference not in _refs(_list(client, organisation, behandelaar=colleague.pk))
    # Keyset pages with the filter on: every row once, in order, none of the others.
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    url = reverse("cases:list", args=[organisation.slug])
    seen: list[str] = []
    query = f"toon=all&behandelaar={colleague.pk}&sorteer=oldest"
    for _ in range(3):
        body = client.get(f"{url}?{query}").content.decode()
        seen += _refs(body)
        found = re.search(r'href="\?([^"]*na=[^"]+)">Volgende', body)
        if not found:
            break
        query = unescape(found.group(1))
    assert seen == [c.reference for c in shared]
    # Bad input: the list, never a 500.
    assert client.get(url, {"toon": "all", "behandelaar": "x"}).status_code == 200
    # Saved with the filter.
    client.post(reverse("cases:saved_filter_new", args=[organisation.slug]),
                {"name": "Met Carla", "toon": "all", "behandelaar": str(colleague.pk)})
    assert SavedCaseFilter.objects.get().params == {"toon": "all",
                                                    "behandelaar": str(colleague.pk)}


def test_the_handler_filter_costs_the_same_queries_for_few_and_many_cases(
        client, organisation, advisor, submit) -> None:
    from support.people import make_member
    from vangnet.organisations.roles import Role

    from .conftest import give_keys

    colleague = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, name="Carla Collega")
    give_keys(colleague)
    enable_totp(advisor.user)
    client.force_login(advisor.user)
    url = reverse("cases:list", args=[organisation.slug])
    params = {"toon": "all", "behandelaar": colleague.pk, "categorie": "pesten"}
    for _ in range(2):
        submit(extra_recipients=[colleague], other_categories=["werkdruk"])
    client.get(url, params)
    with CaptureQueriesContext(connection) as few:
        client.get(url, params)
    for _ in range(8):
        submit(extra_recipients=[colleague], other_categories=["werkdruk"])
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, params).content.decode()
    assert len(_refs(page)) == 10 and page.count("Pesten, Werkdruk") == 10
    assert len(many.captured_queries) == len(few.captured_queries)
