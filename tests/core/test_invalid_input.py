"""Issue #10, finding 8: NUL bytes (and other text that cannot be processed) gave HTTP 500 on
PostgreSQL, three endpoints without login (e.g. GET /api/v1/organisations/%00/route).

The attack is performed on EVERY URL pattern of the product: a NUL in the path and in the query,
anonymously and logged in as a member with every role, plus NUL, broken UTF-8 and lone
surrogates in form fields, JSON bodies, cookies and headers. Every answer must be exactly 400 with
the Dutch message (JSON under /api/), never a 500. Runs on SQLite and on PostgreSQL (CI runs the
suite on both).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from support.people import PASSWORD, make_member
from vangnet.organisations.roles import Role

pytestmark = pytest.mark.django_db

DUTCH = "Je verzoek bevat een teken dat we niet kunnen verwerken"
_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<[^>]+>[^)]*\)|\([^)]*\)")


def _sample(route: str, slug: str, poison: str) -> str:
    """A concrete path for a route: the NUL goes into the first text parameter if there is one."""
    used = False

    def value(match: re.Match[str]) -> str:
        nonlocal used
        converter = match.group("converter") or "str"
        if converter == "int":
            return "1"
        if converter == "uuid":
            return "00000000-0000-0000-0000-000000000001"
        if converter == "slug" and "slug" in match.group("name"):
            return slug
        used = True
        return f"a{poison}b"

    path = _PARAMETER.sub(value, route)
    if not used:  # no text parameter: put the NUL into the last path segment
        stripped = path.rstrip("/")
        path = f"{stripped}{poison}" + ("/" if path.endswith("/") else "")
    return path


def _routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[str]:
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        text = str(pattern.pattern)
        if hasattr(pattern.pattern, "regex") and text.startswith("^"):
            # A regular expression (some of allauth and the admin): groups become one segment.
            text = _REGEX_GROUP.sub("<str:x>", text.lstrip("^").rstrip("$")).replace("\\", "")
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + text)
        elif isinstance(pattern, URLPattern):
            yield prefix + text


def all_paths(slug: str, poison: str = "%00") -> list[str]:
    return sorted({"/" + _sample(route, slug, poison).lstrip("/") for route in _routes()})


@pytest.fixture
def member(organisation: Any) -> Any:
    """A member with every role, logged in with two factors where the roles need it."""
    return make_member(organisation, *[role.value for role in Role], email="alle.rollen@example.org")


def _assert_refused(response: Any, path: str) -> None:
    assert response.status_code == 400, (path, response.status_code)
    assert response["Cache-Control"] == "no-store"
    if path.startswith("/api/"):
        assert DUTCH in response.json()["detail"], path
    else:
        assert DUTCH in response.content.decode(), path


def test_every_url_with_a_nul_in_its_path_is_a_400(client, organisation, member) -> None:
    paths = all_paths(organisation.slug)
    assert len(paths) > 100  # every pattern, not a sample: the walk must not silently find nothing
    assert "/api/v1/organisations/a%00b/route" in paths or any(
        p.startswith("/api/v1/organisations/") and "%00" in p for p in paths)
    for logged_in in (False, True):
        if logged_in:
            assert client.login(email=member.user.email, password=PASSWORD)
        for path in paths:
            _assert_refused(client.get(path), path)
        for path in paths[::7]:  # the other methods too, on a spread of them
            _assert_refused(client.post(path, {"x": "1"}), path)


def test_every_url_with_a_nul_in_its_query_is_a_400(client, organisation, member) -> None:
    paths = all_paths(organisation.slug, poison="")
    assert client.login(email=member.user.email, password=PASSWORD)
    for path in paths:
        _assert_refused(client.get(f"{path}?q=%00&eenheid=1%002&page=%00"), path)


@pytest.mark.parametrize("query", ["q=%ff", "q=%ed%a0%80", "q=abc%00", "%00=1", "q=%c3"])
def test_broken_text_in_a_query(client, organisation, query: str) -> None:
    _assert_refused(client.get(f"/o/{organisation.slug}/melden/?{query}"), "/o/")
    _assert_refused(client.get(f"/api/v1/organisations/{organisation.slug}/route?{query}"), "/api/")


def test_broken_text_in_the_path(client, organisation) -> None:
    for path in ("/o/%ff/", "/api/v1/organisations/%ed%a0%80/route", "/o/%c3/", "/o/a%01b/",
                 "/privacy/%0a", "/api/v1/organisations/a%1fb/route"):
        _assert_refused(client.get(path), path)
    # Text that is valid UTF-8 is not refused: an unknown organisation with an accent is a 404.
    assert client.get("/o/caf%C3%A9/").status_code == 404


def test_a_nul_in_form_fields_and_file_names(client, organisation) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from vangnet.reporting.keys import keypair_create

    advisor = make_member(organisation, Role.ADVISOR, email="anna.advies@example.org")
    keypair_create(user=advisor.user, password=PASSWORD)
    url = f"/o/{organisation.slug}/melden/nieuw/"
    form = {"mode": "anonymous", "category": "pesten", "narrative": "Het begon\x00 hier"}
    _assert_refused(client.post(url, form), url)  # multipart, as browsers send files
    encoded = "mode=anonymous&category=pesten&narrative=a%00b"
    _assert_refused(client.post(url, encoded, content_type="application/x-www-form-urlencoded"), url)
    broken = "mode=anonymous&category=pesten&narrative=%ff%fe"
    _assert_refused(client.post(url, broken, content_type="application/x-www-form-urlencoded"), url)
    upload = SimpleUploadedFile("foto.png", b"x", "image/png")
    _assert_refused(client.post(url, {"narrative": "x\x00", "attachments": upload}), url)
    # The same form without the NUL still works (the check refuses only what it must).
    ok = client.post(url, {**form, "narrative": "Het begon hier", "recipient": ""}, follow=True)
    assert ok.status_code == 200 and "code" in ok.context


@pytest.mark.parametrize("text", ["\\u0000", "a\\u0000b", "\\ud800", "\\udfff", "\\ud83d x", "\\ud83d\\u0041"])
def test_invalid_escapes_in_json_bodies(client, organisation, text: str) -> None:
    url = f"/api/v1/organisations/{organisation.slug}/reports"
    body = '{"category": "pesten", "mode": "anonymous", "narrative": "' + text + '"}'
    _assert_refused(client.post(url, body, content_type="application/json"), url)


def test_valid_json_escapes_pass(client, organisation) -> None:
    from vangnet.reporting.keys import keypair_create

    advisor = make_member(organisation, Role.ADVISOR, email="anna.advies@example.org")
    keypair_create(user=advisor.user, password=PASSWORD)
    url = f"/api/v1/organisations/{organisation.slug}/reports"
    body = '{"category": "pesten", "mode": "anonymous", "narrative": "\\ud83d\\ude00 \\\\u0000 \\u00e9"}'
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content


def test_a_nul_in_a_large_json_body_is_refused_by_the_file_routes(client, organisation, settings) -> None:
    """Bodies above DATA_UPLOAD_MAX_MEMORY_SIZE skip the middleware; the two routes that take
    files read them themselves (reporting/api.py) and check them the same way."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    url = f"/api/v1/organisations/{organisation.slug}/reports"
    body = '{"category": "pesten", "mode": "anonymous", "narrative": "' + "x" * 2000 + '\\u0000"}'
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400 and DUTCH in response.json()["detail"]


def test_a_nul_in_cookies_and_headers(client, organisation, member) -> None:
    path = f"/o/{organisation.slug}/"
    client.cookies["sessionid"] = "abc\x00def"
    _assert_refused(client.get(path), path)
    client.cookies.clear()
    client.cookies.load('sessionid="abc\\000def"')  # the cookie parser's octal escape for NUL
    _assert_refused(client.get(path), path)
    client.cookies.clear()
    _assert_refused(client.get(path, HTTP_X_RECEIPT="1234\x00"), path)
    _assert_refused(client.get("/api/v1/reports/current", HTTP_X_RECEIPT="1234\x00"), "/api/")
    _assert_refused(client.get(path, HTTP_REFERER="https://x/\x00"), path)


def test_the_page_follows_the_chosen_language_and_is_plain_dutch_first(client, organisation) -> None:
    assert "lang=\"nl\"" in client.get("/?q=%00").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/?q=%00")
    assert english.status_code == 400 and "character we cannot process" in english.content.decode()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_400_page_is_accessible(page) -> None:
    from support.browser import assert_accessible

    response = page.goto("/privacy/?q=%00")
    assert response is not None and response.status == 400
    assert DUTCH in page.locator("main").inner_text()
    assert_accessible(page)
