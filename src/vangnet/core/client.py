"""The client's address, for throttles only (docs/adr/0005, 0032).

Behind reverse proxies `REMOTE_ADDR` is the nearest proxy, so a throttle keyed on it would make
every reporter share one budget: one person's wrong codes would lock out everyone. Each trusted
proxy appends the address it received the request from to `X-Forwarded-For`; with N trusted
proxies the client is therefore the N-th entry from the right. Entries further left were written
by the client itself and are never believed. This is the same reading as allauth's
`ALLAUTH_TRUSTED_PROXY_COUNT` (set from `TRUSTED_PROXY_COUNT`), so logins and reports agree on who
the client is.

The address is used transiently to build a throttle key (which the caller hashes under a server
key); it is never stored, logged or returned to anyone.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# IPv6 hands a whole /64 to one subscriber: keying on the full address would let one person
# rotate through 2^64 sources. allauth's RATE_LIMIT_IPV6_PREFIX makes the same choice.
IPV6_PREFIX = 64


def trusted_proxy_count() -> int:
    return max(0, int(getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0) or 0))


def client_address(request: HttpRequest) -> str:
    """The address of the client as seen by the outermost trusted proxy ('' when unknown).

    With `TRUSTED_PROXY_COUNT` = 0 the header is ignored (anyone can write it). When the header
    has fewer entries than there are trusted proxies, the request did not pass through all of
    them; we then take its leftmost entry, the furthest any proxy of ours can have vouched for,
    and never look further than the configured number of hops.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = trusted_proxy_count()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") or ""
    if count == 0 or not forwarded.strip():
        return _normalise(remote)
    hops = [hop.strip() for hop in forwarded.split(",")]
    candidate = hops[-count] if len(hops) >= count else hops[0]
    return _normalise(candidate) or _normalise(remote)


def throttle_source(request: HttpRequest) -> str:
    """The key of the client's network for throttles: the IPv4 address, or the IPv6 /64."""
    address = client_address(request)
    if not address:
        return "unknown"
    parsed = ipaddress.ip_address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


def _normalise(value: str) -> str:
    """A valid IP address in canonical form, or ''. Proxies may add a port or brackets."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:5678"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""
