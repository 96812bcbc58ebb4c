"""Reporting API: the public route, submitting a report, and the reporter's dialogue.

Mounted with an empty prefix because the paths live under two roots (/organisations/... and
/reports/...). The reporter authenticates each request with the receipt code in `X-Receipt`;
failed codes count against the same throttle as the web form (ADR 0032).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import APIKeyHeader

from vangnet.organisations.models import Membership, Unit
from vangnet.organisations.selectors import organisation_get_public

from . import receipts, selectors, services
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
    introduction: str
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
            summary="The organisation's public reporting route")
def get_route(request: HttpRequest, slug: str) -> Any:
    organisation = organisation_get_public(slug=slug)
    route = route_view(organisation=organisation)
    return {
        "organisation": organisation.name,
        "introduction": route.route.introduction if route.route else "",
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


class ReportIn(Schema):
    category: Literal[tuple(Category.values)]  # type: ignore[valid-type]
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


class ReceiptOut(Schema):
    receipt_code: str
    created_at: datetime


def _fields(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {key: [str(m) for m in messages] for key, messages in error.message_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


@router.post("/organisations/{slug}/reports",
             response={201: ReceiptOut, 404: Problem, 422: Problem, 429: Problem},
             auth=None, summary="Submit a report; the receipt code is returned once")
def post_report(request: HttpRequest, slug: str, payload: ReportIn) -> Any:
    organisation = organisation_get_public(slug=slug)
    source = request.META.get("REMOTE_ADDR", "")  # transient, never stored
    if not receipts.submission_allowed(source):
        raise HttpError(429, "Too many reports from this network; try again later.")
    recipient = None
    if payload.recipient_id is not None:
        recipient = Membership.objects.filter(organisation=organisation, pk=payload.recipient_id).first()
        if recipient is None:
            return Status(422, {"detail": "invalid", "fields": {"recipient_id": ["Unknown recipient."]}})
    unit = None
    if payload.unit_id is not None:
        unit = Unit.objects.filter(organisation=organisation, pk=payload.unit_id).first()
        if unit is None:
            return Status(422, {"detail": "invalid", "fields": {"unit_id": ["Unknown unit."]}})
    email = payload.notify_email.strip()
    if email:
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            return Status(422, {"detail": "invalid", "fields": {"notify_email": ["Not an e-mail address."]}})
    involved = list(Membership.objects.filter(organisation=organisation,
                                              pk__in=[i for i in payload.involved_ids if 0 < i <= MAX_ID]))
    try:
        report, code = services.report_submit(
            organisation=organisation, category=payload.category, mode=payload.mode,
            parts={key: getattr(payload, key) for key in services.PARTS},
            recipient=recipient, involved=involved, unit=unit,
            discrimination_ground=payload.discrimination_ground,
            is_whistleblowing=payload.is_whistleblowing, channel="api", notify_email=email,
        )
    except ValidationError as error:
        return Status(422, {"detail": "invalid", "fields": _fields(error)})
    receipts.submission_made(source)
    return Status(201, {"receipt_code": code, "created_at": report.created_at})


class ReceiptAuth(APIKeyHeader):
    """`X-Receipt: <16 digits>`. Wrong codes are throttled like the web form."""

    param_name = "X-Receipt"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        source = request.META.get("REMOTE_ADDR", "")  # transient, never stored
        if not receipts.receipt_attempt_allowed(source):
            raise HttpError(429, "Too many wrong receipt codes; try again later.")
        code = receipts.receipt_normalise(key or "")
        access = services.reporter_open(code=code) if code else None
        if access is None:
            receipts.receipt_attempt_failed(source)
            return None
        return access


receipt_auth = ReceiptAuth()


class QuestionOut(Schema):
    id: int
    kind: str
    choices: list[list[str]]
    answer: str
    answered_at: datetime | None


class MessageOut(Schema):
    id: int
    author_kind: str
    created_at: datetime
    body: str
    kind: str
    question: QuestionOut | None


class ReporterReportOut(Schema):
    category: str
    mode: str
    created_at: datetime
    contents: dict[str, str]
    recipients: list[str]
    messages: list[MessageOut]
    open_questions: list[QuestionOut]


def _question(q: Any) -> dict[str, Any] | None:
    if q is None:
        return None
    return {"id": q.pk, "kind": q.kind, "choices": [list(map(str, c)) for c in q.choices],
            "answer": q.answer, "answered_at": q.answered_at}


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
        "messages": [{"id": m.message.pk, "author_kind": m.author_kind, "created_at": m.created_at,
                      "body": m.body, "kind": m.message.kind, "question": _question(m.question)}
                     for m in view.messages],
        "open_questions": [_question(q) for q in view.open_questions],
    }


class MessageIn(Schema):
    body: str = Field(min_length=1, max_length=20000)


class MessageCreatedOut(Schema):
    id: int
    created_at: datetime


@router.post("/reports/current/messages",
             response={201: MessageCreatedOut, 401: Problem, 422: Problem, 429: Problem},
             auth=receipt_auth, summary="The reporter replies or adds information")
def post_message(request: HttpRequest, payload: MessageIn) -> Any:
    try:
        message = services.reporter_reply(access=request.auth, body=payload.body)  # type: ignore[attr-defined]
    except ValidationError as error:
        return Status(422, {"detail": "invalid", "fields": _fields(error)})
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
