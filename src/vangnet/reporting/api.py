"""Reporting API: the public route, submitting a report, and the reporter's dialogue.

Mounted with an empty prefix because the paths live under two roots (/organisations/... and
/reports/...). The reporter authenticates each request with the receipt code in `X-Receipt`;
failed codes count against the same throttle as the web form (ADR 0032).

Files travel as base64 inside the JSON. The two routes that take files read their body themselves
with a larger limit (`MAX_BODY_BYTES`, enough for 5 files of 5 MB) instead of the site-wide
DATA_UPLOAD_MAX_MEMORY_SIZE, and only after the throttle or the receipt check (ADR 0034).
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any, Literal, TypeVar

import pydantic
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.schema import NinjaGenerateJsonSchema
from ninja.security import APIKeyHeader

from vangnet.core.client import throttle_source
from vangnet.core.input import invalid_input_message, json_has_invalid_text
from vangnet.organisations.public import memberships_in, organisation_get_public, units_in

from . import receipts, selectors, services
from .attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from .categories import Category, DiscriminationGround
from .route import route_view

PREFIX = ""
router = Router(tags=["reporting"])

MAX_ID = 2**53  # larger ids cannot exist; keeps absurd numbers away from the database


class Problem(Schema):
    detail: str
    fields: dict[str, list[str]] = {}


class PersonOut(Schema):
    id: int
    name: str
    job_title: str
    is_external: bool
    introduction: str
    how_to_reach: str
    availability: str
    can_receive_reports: bool


class BodyOut(Schema):
    code: str
    name: str
    contact: str
    url: str
    description: str


class StepOut(Schema):
    kind: str
    title: str
    description: str
    people: list[PersonOut]
    bodies: list[BodyOut]


class RouteOut(Schema):
    organisation: str
    unit: str | None
    introduction: str
    complaints_procedure_text: str
    complaints_procedure_url: str | None
    steps: list[StepOut]


def _person(person: Any) -> dict[str, Any]:
    profile = person.profile
    member = person.membership
    return {
        "id": member.pk, "name": member.user.full_name or "", "job_title": member.job_title,
        "is_external": member.is_external,
        "introduction": profile.introduction if profile else "",
        "how_to_reach": profile.how_to_reach if profile else "",
        "availability": profile.availability if profile else "",
        "can_receive_reports": person.available,
    }


@router.get("/organisations/{slug}/route", response={200: RouteOut, 404: Problem}, auth=None,
            summary="The organisation's public reporting route (of one unit with unit_id)")
def get_route(request: HttpRequest, slug: str,
              unit_id: int | None = Query(default=None, ge=1, le=MAX_ID)) -> Any:
    organisation = organisation_get_public(slug=slug)
    unit = None
    if unit_id is not None:
        unit = units_in(organisation_id=organisation.pk).filter(pk=unit_id).first()
        if unit is None:
            return Status(404, {"detail": "Unknown unit."})
    route = route_view(organisation=organisation, unit=unit)
    config = route.route
    document = config.complaints_procedure_file if config is not None else None
    return {
        "organisation": organisation.name,
        "unit": unit.name if unit is not None else None,
        "introduction": config.introduction if config else "",
        "complaints_procedure_text": config.complaints_procedure_text if config else "",
        "complaints_procedure_url": request.build_absolute_uri(document.url) if document else None,
        "steps": [
            {"kind": s.kind, "title": s.title, "description": s.description,
             # Managers are only shown on the page, not listed by the API.
             "people": [_person(p) for p in s.people] if s.kind != "manager" else [],
             "bodies": [{"code": b.code, "name": b.name, "contact": b.contact, "url": b.url,
                         "description": str(b.description)} for b in s.bodies]}
            for s in route.steps
        ],
    }


Text = Field(default="", max_length=5000)

# base64 turns every 3 bytes into 4 characters: the longest encoding of a file of at most 5 MB.
MAX_BASE64_CHARS = -(-MAX_ATTACHMENT_BYTES // 3) * 4  # 6 990 508
# Everything but the files fits in 1 MiB even at the text fields' maximum lengths with every
# character written as a JSON escape (36 054 characters x 12 bytes for a surrogate pair = 433 kB).
MAX_JSON_OVERHEAD_BYTES = 1024 * 1024
MAX_BODY_BYTES = MAX_ATTACHMENTS * MAX_BASE64_CHARS + MAX_JSON_OVERHEAD_BYTES  # 36 001 116 (34.3 MiB)


class AttachmentIn(Schema):
    name: str = Field(min_length=1, max_length=200,
                      description="The file name; only used to name the stored copy.")
    content_base64: str = Field(
        min_length=1, max_length=MAX_BASE64_CHARS,
        description="The file, base64 (RFC 4648, with padding, no line breaks); at most 5 MB decoded. "
                    "JPEG, PNG or PDF, decided from the content; images lose their metadata.",
    )


Attachments: Any = Field(default_factory=list, max_length=MAX_ATTACHMENTS,
                         description="At most 5 files of at most 5 MB each.")


class ReportIn(Schema):
    category: Literal[tuple(Category.values)]  # type: ignore[valid-type]
    other_categories: list[Literal[tuple(Category.values)]] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=len(Category.values),
        description="What the report is also about, besides `category` (the primary one).")
    mode: Literal["anonymous", "confidential", "open"]
    narrative: str = Field(min_length=1, max_length=20000)
    recipient_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    when: str = Field(default="", max_length=500)
    where: str = Field(default="", max_length=500)
    involved: str = Field(default="", max_length=2000)
    involved_ids: list[int] = Field(default_factory=list, max_length=50)
    witnesses: str = Field(default="", max_length=2000)
    impact: str = Text
    wishes: str = Text
    identity: str = Field(default="", max_length=300)
    contact: str = Field(default="", max_length=500)
    unit_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    discrimination_ground: Literal[("", *DiscriminationGround.values)] = ""  # type: ignore[valid-type]
    is_whistleblowing: bool = False
    notify_email: str = Field(default="", max_length=254)
    attachments: list[AttachmentIn] = Attachments


class ReceiptOut(Schema):
    receipt_code: str
    created_at: datetime


def _fields(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {key: [str(m) for m in messages] for key, messages in error.message_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


SchemaT = TypeVar("SchemaT", bound=Schema)


def _read_json(request: HttpRequest, model: type[SchemaT]) -> SchemaT:
    """The JSON body of a route that takes files, read with MAX_BODY_BYTES as its limit.

    `request.body` would refuse anything above DATA_UPLOAD_MAX_MEMORY_SIZE (5 MB, for the whole
    site) with Django's HTML 400 page, so these routes read the stream themselves, like
    `HttpRequest.body` does: refuse early on Content-Length, and never read past the limit.
    """
    too_big = HttpError(413, f"The request body may be at most {MAX_BODY_BYTES} bytes "
                             "(5 files of 5 MB as base64, plus the text).")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0  # the read below still stops at the limit
    if declared > MAX_BODY_BYTES:
        raise too_big
    try:
        raw = request.read(MAX_BODY_BYTES + 1)
    except UnreadablePostError as error:
        raise HttpError(400, "The request body could not be read.") from error
    if len(raw) > MAX_BODY_BYTES:
        raise too_big
    # The middleware checks bodies up to the site-wide limit only; these may be larger.
    if json_has_invalid_text(raw):
        raise HttpError(400, invalid_input_message())
    try:
        return model.model_validate_json(raw or b"{}")
    except pydantic.ValidationError as error:
        errors = error.errors(include_url=False, include_context=False, include_input=False)
        if any(e["type"] == "json_invalid" for e in errors):
            raise HttpError(400, "Cannot parse request body") from error
        # The same shape as ninja's own validation errors (see api/main.py).
        raise NinjaValidationError(
            [{**e, "loc": ("body", "payload", *e["loc"])} for e in errors]
        ) from error


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
        return {key: _inline_refs(value, defs) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(value, defs) for value in node]
    return node


def _json_body(model: type[Schema]) -> dict[str, Any]:
    """The OpenAPI request body of a route that reads its body with `_read_json`."""
    schema = model.model_json_schema(schema_generator=NinjaGenerateJsonSchema)
    defs = schema.pop("$defs", {})
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": _inline_refs(schema, defs)},
    }}}


def _uploads(files: list[AttachmentIn]) -> list[services.UploadedAttachment]:
    """Decode the files; the service decides their type and cleans them (attachments.py)."""
    uploads, problems = [], []
    for number, file in enumerate(files, start=1):
        try:
            data = base64.b64decode(file.content_base64, validate=True)
        except ValueError:  # binascii.Error, or characters outside ASCII
            problems.append(f"File {number} is not valid base64.")
            continue
        if len(data) > MAX_ATTACHMENT_BYTES:
            problems.append(f"File {number} is larger than 5 MB.")
            continue
        uploads.append(services.UploadedAttachment(name=file.name, data=data))
    if problems:
        raise ValidationError({"attachments": problems})
    return uploads


@router.post("/organisations/{slug}/reports",
             response={201: ReceiptOut, 400: Problem, 404: Problem, 413: Problem, 422: Problem,
                       429: Problem},
             auth=None, summary="Submit a report; the receipt code is returned once",
             openapi_extra=_json_body(ReportIn))
def post_report(request: HttpRequest, slug: str) -> Any:
    organisation = organisation_get_public(slug=slug)
    source = throttle_source(request)  # transient: only a keyed hash reaches the cache
    # Reserved before the work, so parallel requests cannot overshoot; given back when refused.
    if not receipts.submission_start(source):
        raise HttpError(429, "Too many reports from this network; try again later.")
    try:
        result = _post_report(request, organisation)
    except BaseException:
        receipts.submission_refused(source)
        raise
    if result.status_code != 201:
        receipts.submission_refused(source)
    return result


def _post_report(request: HttpRequest, organisation: Any) -> Status[Any]:
    """The submission itself; any answer but 201 gives the reserved place back."""
    payload = _read_json(request, ReportIn)  # only now: a refused sender's body is never read
    recipient = None
    if payload.recipient_id is not None:
        recipient = memberships_in(organisation_id=organisation.pk).filter(pk=payload.recipient_id).first()
        if recipient is None:
            return Status(422, {"detail": "invalid", "fields": {"recipient_id": ["Unknown recipient."]}})
    unit = None
    if payload.unit_id is not None:
        unit = units_in(organisation_id=organisation.pk).filter(pk=payload.unit_id).first()
        if unit is None:
            return Status(422, {"detail": "invalid", "fields": {"unit_id": ["Unknown unit."]}})
    email = payload.notify_email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            return Status(422, {"detail": "invalid", "fields": {"notify_email": ["Not an e-mail address."]}})
    involved = list(memberships_in(organisation_id=organisation.pk).filter(
                                              pk__in=[i for i in payload.involved_ids if 0 < i <= MAX_ID]))
    try:
        files = _uploads(payload.attachments)
        report, code = services.report_submit(
            organisation=organisation, category=payload.category,
            other_categories=payload.other_categories, mode=payload.mode,
            parts={key: getattr(payload, key) for key in services.PARTS},
            recipient=recipient, involved=involved, unit=unit,
            discrimination_ground=payload.discrimination_ground,
            is_whistleblowing=payload.is_whistleblowing, channel="api", notify_email=email,
            attachments=files,
        )
    except ValidationError as error:
        return Status(422, {"detail": "invalid", "fields": _fields(error)})
    return Status(201, {"receipt_code": code, "created_at": report.created_at})


class ReceiptAuth(APIKeyHeader):
    """`X-Receipt: <16 digits>`. Wrong codes are throttled like the web form."""

    param_name = "X-Receipt"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        source = throttle_source(request)  # transient: only a keyed hash reaches the cache
        # The attempt is reserved as failed BEFORE the code is tried, so parallel guesses cannot
        # overshoot the budget; a right code gives its place back.
        if not receipts.receipt_attempt_start(source):
            raise HttpError(429, "Too many wrong receipt codes; try again later.")
        code = receipts.receipt_normalise(key or "")
        access = services.reporter_open(code=code) if code else None
        if access is None:
            return None
        receipts.receipt_attempt_succeeded(source)
        return access


receipt_auth = ReceiptAuth()


class QuestionOut(Schema):
    id: int
    kind: str
    choices: list[list[str]]
    answer: str
    answered_at: datetime | None


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int = Field(description="Bytes, as stored (after cleaning).")
    metadata_removed: bool
    created_at: datetime


class MessageOut(Schema):
    id: int
    author_kind: str
    created_at: datetime
    body: str
    kind: str
    question: QuestionOut | None
    attachments: list[AttachmentOut]


class ReporterReportOut(Schema):
    category: str
    mode: str
    created_at: datetime
    contents: dict[str, str]
    recipients: list[str]
    attachments: list[AttachmentOut] = Field(description="Files sent with the report itself.")
    messages: list[MessageOut]
    open_questions: list[QuestionOut]


def _question(q: Any) -> dict[str, Any] | None:
    if q is None:
        return None
    return {"id": q.pk, "kind": q.kind, "choices": [list(map(str, c)) for c in q.choices],
            "answer": q.answer, "answered_at": q.answered_at}


def _attachment(view: selectors.AttachmentView) -> dict[str, Any]:
    a = view.attachment
    return {"id": a.pk, "name": view.name, "content_type": view.content_type, "size": a.size,
            "metadata_removed": view.metadata_removed, "created_at": a.created_at}


@router.get("/reports/current", response={200: ReporterReportOut, 401: Problem, 429: Problem},
            auth=receipt_auth, summary="The reporter's view of their report")
def get_current(request: HttpRequest) -> Any:
    access = request.auth  # type: ignore[attr-defined]
    view = selectors.reporter_view(access=access)
    services.reporter_mark_read(access=access)
    return {
        "category": view.report.category, "mode": view.report.mode,
        "created_at": view.report.created_at, "contents": view.contents,
        "recipients": view.recipients,
        "attachments": [_attachment(a) for a in view.attachments],
        "messages": [{"id": m.message.pk, "author_kind": m.author_kind, "created_at": m.created_at,
                      "body": m.body, "kind": m.message.kind, "question": _question(m.question),
                      "attachments": [_attachment(a) for a in m.attachments]}
                     for m in view.messages],
        "open_questions": [_question(q) for q in view.open_questions],
    }


FILE_TYPES = ("image/jpeg", "image/png", "application/pdf")


@router.get("/reports/current/attachments/{attachment_id}",
            response={401: Problem, 404: Problem, 429: Problem}, auth=receipt_auth,
            summary="Download a file of the reporter's own report (decrypted)",
            openapi_extra={"responses": {200: {
                "description": "The file, as `Content-Disposition: attachment`.",
                "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in FILE_TYPES},
            }}})
def get_attachment(request: HttpRequest, attachment_id: int) -> Any:
    if not 0 < attachment_id <= MAX_ID:
        return Status(404, {"detail": "not found"})
    access = request.auth  # type: ignore[attr-defined]
    # 404 for an attachment of another report: the selector only looks inside access.report.
    view, data = selectors.attachment_data_for(actor=None, report=access.report, pk=attachment_id,
                                               access=access)
    response = HttpResponse(data, content_type=view.content_type)
    response["Content-Disposition"] = content_disposition_header(True, view.name)
    response["Cache-Control"] = "no-store"
    return response


class MessageIn(Schema):
    body: str = Field(default="", max_length=20000,
                      description="May be empty when files are added.")
    attachments: list[AttachmentIn] = Attachments


class MessageCreatedOut(Schema):
    id: int
    created_at: datetime


@router.post("/reports/current/messages",
             response={201: MessageCreatedOut, 400: Problem, 401: Problem, 413: Problem,
                       422: Problem, 429: Problem},
             auth=receipt_auth, summary="The reporter replies or adds information or files",
             openapi_extra=_json_body(MessageIn))
def post_message(request: HttpRequest) -> Any:
    access = request.auth  # type: ignore[attr-defined]
    source = throttle_source(request)  # transient: only a keyed hash reaches the cache
    # Each message e-mails every recipient: reserved per report and per source before the body is
    # read, given back when the message is refused.
    if not receipts.message_start(report_id=access.report.pk, source=source):
        raise HttpError(429, "Too many messages; try again later.")
    try:
        payload = _read_json(request, MessageIn)  # after the receipt check and the throttle
        message = services.reporter_reply(access=access, body=payload.body,
                                          attachments=_uploads(payload.attachments))
    except ValidationError as error:
        receipts.message_refused(report_id=access.report.pk, source=source)
        return Status(422, {"detail": "invalid", "fields": _fields(error)})
    except BaseException:
        receipts.message_refused(report_id=access.report.pk, source=source)
        raise
    return Status(201, {"id": message.pk, "created_at": message.created_at})


class AnswerIn(Schema):
    answer: str = Field(min_length=1, max_length=100)


@router.post("/reports/current/questions/{question_id}/answer",
             response={200: QuestionOut, 401: Problem, 404: Problem, 422: Problem, 429: Problem},
             auth=receipt_auth, summary="The reporter answers a question (consent, check-in, ...)")
def post_answer(request: HttpRequest, question_id: int, payload: AnswerIn) -> Any:
    if not 0 < question_id <= MAX_ID:
        return Status(404, {"detail": "not found"})
    question = selectors.question_get_for_reporter(access=request.auth, pk=question_id)  # type: ignore[attr-defined]
    try:
        question = services.dialogue_answer(question=question, answer=payload.answer)
    except ValidationError as error:
        return Status(422, {"detail": "invalid", "fields": _fields(error)})
    return Status(200, _question(question))
