"""No browser cache or proxy keeps a page that someone saw while logged in.

Behind login every page shows people, roles, e-mail addresses, second-factor settings, cases or
survey results. A shared computer's browser cache (or its back button after logging out) and a
caching proxy must not keep them (issue 10: the quickscan report, its CSV and the people list
were cacheable). One middleware marks every answer to a logged-in person `private, no-store`
unless the view chose its own `Cache-Control` (e.g. the organisation's public theme CSS), so a
new page cannot forget it. Anonymous reporter pages set `no-store` themselves.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class PrivatePagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header(
                "Cache-Control"):
            # max-age=0, no-cache, no-store, must-revalidate, private
            add_never_cache_headers(response)
        return response
