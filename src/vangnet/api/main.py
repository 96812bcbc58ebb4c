"""One NinjaAPI for the whole product; each domain app adds its router in `<app>/api.py`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from vangnet.core.app import app_modules


class VangnetAPI(NinjaAPI):
    """Every JSON answer is `no-store`: receipt codes, a reporter's messages and case data must not
    linger in a shared computer's cache or in a proxy (the web pages do the same)."""

    def create_response(self, request: HttpRequest, data: Any, *, status: int | None = None,
                        temporal_response: HttpResponse | None = None) -> HttpResponse:
        response = super().create_response(request, data, status=status,
                                           temporal_response=temporal_response)
        response["Cache-Control"] = "no-store"
        return response


api = VangnetAPI(
    title="Vangnet API",
    version="1",
    description="Public reporting routes, intake of reports and the reporter's dialogue.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """422 with one message per field, in the request's language."""
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("body", "payload")]
        fields.setdefault(".".join(location) or "__all__", []).append(str(error.get("msg", "")))
    return api.create_response(request, {"detail": "invalid", "fields": fields}, status=422)


@api.exception_handler(RequestDataTooBig)
def request_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: a JSON 413 instead of Django's HTML 400 page."""
    return api.create_response(request, {"detail": "The request body is too large."}, status=413)


# Every app's router, as its AppConfig declares (core/app.py).
for _label, _module in app_modules("api"):
    api.add_router(_module.PREFIX, _module.router)
