"""Security headers on real pages, and no page that pulls anything from another website."""

from __future__ import annotations

import re
import socket
import uuid
from typing import Any

import pytest
from django.test import override_settings

from support.people import PASSWORD, make_member
from vangnet.organisations.roles import Role

URL_ATTRIBUTE = re.compile(r"""(?:src|href|action|srcset|poster|data|formaction)\s*=\s*["']?\s*(https?:)?//([^/"'\s>]+)""",
                           re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*["']?(https?:)?//([^/"')\s]+)""", re.IGNORECASE)


def _pages(organisation: Any) -> list[str]:
    slug = organisation.slug
    return ["/", "/privacy/", "/toegankelijkheid/", "/accounts/login/", "/accounts/password/reset/",
            f"/o/{slug}/hulp/", "/accounts/sso/"]


def _member_pages(organisation: Any) -> list[str]:
    slug = organisation.slug
    return [f"/o/{slug}/", f"/o/{slug}/beheer/afdelingen-en-teams/", f"/o/{slug}/beheer/mensen/",
            f"/o/{slug}/beheer/uitnodigingen/", f"/o/{slug}/beheer/huisstijl/",
            f"/o/{slug}/beheer/importeren/"]


def _assert_headers(response: Any, url: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp, url
    assert "script-src 'self'" in csp and "style-src 'self'" in csp, url
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    assert "frame-ancestors 'none'" in csp, url
    assert response.headers.get("X-Frame-Options") == "DENY", url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy") == "same-origin", url
    assert "camera=()" in response.headers.get("Permissions-Policy", ""), url


def _third_party(html: str) -> list[str]:
    hosts = [host for _scheme, host in URL_ATTRIBUTE.findall(html) + CSS_URL.findall(html)]
    return [host for host in hosts if host not in {"testserver", "localhost"}]


@pytest.mark.django_db
def test_public_and_member_pages_have_strict_headers_and_no_third_party_urls(
    client: Any, organisation: Any
) -> None:
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR)
    for url in _pages(organisation):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_headers(response, url)
        assert not _third_party(response.content.decode()), url
    client.force_login(coordinator.user)
    for url in _member_pages(organisation):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_headers(response, url)
        html = response.content.decode()
        assert not _third_party(html), (url, _third_party(html))
        assert "<script>" not in html and " style=" not in html and " onclick=" not in html, url


def test_third_party_detector_works() -> None:
    assert _third_party('<img src="https://cdn.example.com/x.png">') == ["cdn.example.com"]
    assert _third_party('<link href="//fonts.example.com/a.css">') == ["fonts.example.com"]
    assert _third_party('<a href="/privacy/">') == []
    assert _third_party("<div style=\"background:url('https://t.example/p.gif')\">") == ["t.example"]


@pytest.mark.django_db
def test_static_css_loads_nothing_from_elsewhere(client: Any) -> None:
    from django.contrib.staticfiles import finders

    for name in ("vendor/utrecht/component-library.css", "vangnet/theme.css", "vangnet/app.css"):
        path = finders.find(name)
        assert path, name
        with open(path, encoding="utf-8") as handle:
            css = handle.read()
        assert not CSS_URL.findall(css), name
        assert "@import" not in css, name


def _redis_reachable(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.django_db
@pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_login_rate_limit_works_against_real_redis(client: Any, organisation: Any) -> None:
    import redis

    prefix = f"vangnet-test-{uuid.uuid4().hex}"
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": "redis://127.0.0.1:6379/0", "KEY_PREFIX": prefix}}
    make_member(organisation, Role.EMPLOYEE, email="redis@example.org")
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        with override_settings(CACHES=caches):
            for _ in range(5):
                client.post("/accounts/login/", {"login": "redis@example.org", "password": "fout"})
            assert connection.keys(f"{prefix}*"), "the counters live in Redis"
            response = client.post("/accounts/login/", {"login": "redis@example.org", "password": PASSWORD})
            assert response.status_code == 200
            assert "Te veel inlogpogingen" in response.content.decode()
    finally:
        keys = connection.keys(f"{prefix}*")
        if keys:
            connection.delete(*keys)
