"""Every read of cases, scoped to the asking person. Hidden means 404, never a hint."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.http import Http404
from django.utils import timezone

from vangnet.core import crypto
from vangnet.organisations.public import CASE_READING_ROLES, Actor, active_memberships_in

from . import deadlines, integration, permissions, stats
from .integration import Category
from .models import (
    AdviceContact,
    Case,
    CaseCategory,
    CaseEvent,
    CaseNote,
    ConsentRequest,
    Lesson,
    LessonAction,
    PatternSignal,
    SavedCaseFilter,
    StandardText,
)

LIST_FILTERS = ("open", "due", "attention", "finished", "all")


# Report columns the list needs (the conflict tag check); the ciphertexts stay in the database.
_LIST_REPORT_FIELDS = ("report__id", "report__receipt_hash", "report__involved_tags")


@dataclass(frozen=True)
class CaseList:
    """The cases a person handles, as two queries that each walk one index: reports they
    received, and reports shared with them (a grant). `window` merges the two in order.

    `order` is the list's ordering: field names all ascending or all descending, ending in the
    primary key, so that the position of a row is its key and the next page starts right after
    the last row shown (keyset pagination, docs/adr/0095)."""

    as_recipient: QuerySet[Case]
    as_grantee: QuerySet[Case]
    order: tuple[str, ...] = ("-received_at", "-id")

    def __iter__(self) -> Iterator[Case]:
        return iter(window(self, size=10_000).rows)

    @property
    def descending(self) -> bool:
        return self.order[0].startswith("-")

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(name.lstrip("-") for name in self.order)

    def key(self, case: Case) -> tuple[Any, ...]:
        return tuple(getattr(case, name) for name in self.fields)


def access_for(case: Case) -> permissions.CaseAccess:
    """The facts the permission rules need, in three small queries."""
    if case.report_id is None:
        return permissions.CaseAccess(organisation_id=case.organisation_id)
    return permissions.CaseAccess(
        organisation_id=case.organisation_id,
        recipient_ids=integration.recipient_ids(case.report_id),
        grant_ids=integration.grant_holder_ids(case.report_id),
        excluded_ids=integration.excluded_ids(case.report),
    )


NEWEST_FIRST: tuple[str, ...] = ("-received_at", "-id")
MOST_URGENT_FIRST: tuple[str, ...] = ("priority", "feedback_due_at", "id")


OLDEST_FIRST: tuple[str, ...] = ("received_at", "id")
SORTS = ("urgent", "newest", "oldest")


@dataclass(frozen=True)
class CaseFilter:
    """What a handler narrows the case list to (issue 13). Every field is metadata kept in the
    clear for exactly this; nothing here searches report contents (they are encrypted)."""

    reference: str = ""
    state: str = ""
    category: str = ""
    unit_id: int | None = None
    handler_id: int | None = None
    sort: str = ""

    def apply(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        if self.reference:
            # References are stored upper case; the unique (organisation, reference) index finds it.
            cases = cases.filter(reference=self.reference.strip().upper())
        if self.state:
            cases = cases.filter(state=self.state)
        if self.category:
            # Any of the case's categories, not only the primary (docs/adr/0100): a probe of the
            # unique (case, category) index per row.
            cases = cases.filter(Exists(CaseCategory.objects.filter(
                case_id=OuterRef("pk"), category=self.category)))
        if self.unit_id is not None:
            cases = cases.filter(unit_id=self.unit_id)
        if self.handler_id is not None:
            # Cases this person handles: the report went to them (they lead it). The same index
            # probe as the list's own access rule, never OR-ed, so the page stays flat (ADR 0101).
            cases = cases.filter(integration.recipient_q(self.handler_id))
        return cases


def handler_choices(*, actor: Actor) -> list[tuple[int, str]]:
    """Who the list can be narrowed to: the active people of the organisation who can receive
    reports and handle cases (a case-reading role), by name. One query; a handful of people
    even at a large organisation."""
    if not permissions.can_list_cases(actor):
        return []
    people = (active_memberships_in(organisation_id=actor.organisation_id)
              .filter(roles__role__in=sorted(CASE_READING_ROLES)).select_related("user")
              .order_by("user__full_name", "user__email").distinct())
    return [(person.pk, person.user.full_name or person.user.email) for person in people]


def cases_for_actor(*, actor: Actor, view: str = "open",
                    narrow: CaseFilter | None = None) -> CaseList:
    """Cases this person handles (current recipient or active grant).

    Each view walks one index (see Case.Meta.indexes), so a page costs the same at a thousand
    cases as at a hundred thousand. People named as involved are filtered out row by row in
    `case_rows` (no query: a keyed tag check), and fully at the detail page (reporting.conflicts,
    including line managers).
    """
    if not permissions.can_list_cases(actor):
        return CaseList(Case.objects.none(), Case.objects.none())
    cases = (Case.objects.filter(organisation_id=actor.organisation_id)
             .select_related("unit", "report")
             .only(*[f.name for f in Case._meta.concrete_fields], "unit__name",
                   *_LIST_REPORT_FIELDS))
    order = MOST_URGENT_FIRST
    if view == "all":
        order = NEWEST_FIRST
    elif view == "finished":
        cases, order = cases.filter(is_open=False), NEWEST_FIRST
    else:
        cases = cases.filter(is_open=True)
        if view == "due":
            soon = timezone.now() + timedelta(days=30)
            cases = cases.filter(Q(acknowledged_at__isnull=True)
                                 | Q(feedback_given_at__isnull=True, feedback_due_at__lte=soon))
        elif view == "attention":
            cases = cases.filter(priority=Case.Priority.HIGH)
    if narrow is not None:
        cases = narrow.apply(cases)
        if narrow.sort == "newest":
            order = NEWEST_FIRST
        elif narrow.sort == "oldest":
            order = OLDEST_FIRST
    cases = cases.order_by(*order)
    return CaseList(
        as_recipient=cases.filter(integration.recipient_q(actor.membership_id)),
        as_grantee=cases.filter(integration.grant_q(actor.membership_id)),
        order=order,
    )


@dataclass(frozen=True)
class Window:
    """One page of a list, found by the key of a neighbouring row: no OFFSET (which reads and
    throws away every row before the page) and no COUNT(*) (which reads the whole list)."""

    rows: list[Case]
    number: int
    has_next: bool
    has_previous: bool
    next_cursor: str = ""
    previous_cursor: str = ""


def _encode(cases: CaseList, case: Case, number: int) -> str:
    values = [v.isoformat() if isinstance(v, datetime) else v for v in cases.key(case)]
    raw = json.dumps({"k": values, "n": number}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cases: CaseList, cursor: str | None) -> tuple[tuple[Any, ...], int] | None:
    """The key and page number in a cursor; None for anything that is not one of ours (a bad or
    edited link shows the first page, never an error)."""
    if not cursor or len(cursor) > 300:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        values, number = data["k"], int(data["n"])
        if not isinstance(values, list) or len(values) != len(cases.fields) or number < 1:
            return None
        key: list[Any] = []
        for name, value in zip(cases.fields, values, strict=True):
            field = Case._meta.get_field(name)
            if isinstance(field, DateTimeField):
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is None:
                    return None
                key.append(moment)
            elif field.get_internal_type() in ("AutoField", "BigAutoField", "IntegerField"):
                if isinstance(value, bool) or not isinstance(value, int):
                    return None
                key.append(value)
            else:
                if not isinstance(value, str):
                    return None
                key.append(value)
        return tuple(key), number
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        return None


def _beyond(cases: CaseList, key: tuple[Any, ...], *, forward: bool) -> Any:
    """Rows after `key` in list order (forward) or before it."""
    row = Tuple(*[F(name) for name in cases.fields])
    later = TupleLessThan if cases.descending else TupleGreaterThan
    earlier = TupleGreaterThan if cases.descending else TupleLessThan
    return (later if forward else earlier)(row, key)


def window(cases: CaseList, *, after: str | None = None, before: str | None = None,
           size: int) -> Window:
    """The page after the row in `after` (or before the one in `before`; the first page without
    either): each of the two queries takes LIMIT size+1 rows from that key on, walking its
    index, then the two are merged. The cost is the same on page 2,000 as on page 1."""
    position = _decode(cases, after)
    backwards = False
    if position is None:
        position = _decode(cases, before)
        backwards = position is not None
    recipient, grantee = cases.as_recipient, cases.as_grantee
    if position is not None:
        condition = _beyond(cases, position[0], forward=not backwards)
        recipient, grantee = recipient.filter(condition), grantee.filter(condition)
    if backwards:
        reverse_order = [name[1:] if name.startswith("-") else f"-{name}" for name in cases.order]
        recipient, grantee = recipient.order_by(*reverse_order), grantee.order_by(*reverse_order)
    merged: dict[int, Case] = {}
    for case in [*recipient[:size + 1], *grantee[:size + 1]]:
        merged.setdefault(case.pk, case)
    ordered = sorted(merged.values(), key=cases.key, reverse=cases.descending)
    if backwards and position is not None:
        number = max(position[1] - 1, 1)
        more_before = len(ordered) > size
        rows = ordered[-size:]
        has_previous, has_next = more_before, True
    else:
        number = position[1] + 1 if position is not None else 1
        rows = ordered[:size]
        has_previous, has_next = position is not None, len(ordered) > size
    if not rows:
        return Window(rows=[], number=number, has_next=False, has_previous=has_previous)
    return Window(
        rows=rows, number=number, has_next=has_next, has_previous=has_previous,
        next_cursor=_encode(cases, rows[-1], number) if has_next else "",
        previous_cursor=_encode(cases, rows[0], number) if has_previous else "",
    )


def cursor_before_row(*, actor: Actor, view: str, offset: int) -> str:
    """The `after` cursor whose page starts at row `offset` of a list (for the benchmark and for
    tests of deep pages; it reads `offset` rows, so the pages themselves never call it)."""
    cases = cases_for_actor(actor=actor, view=view)
    rows = sorted({c.pk: c for c in [*cases.as_recipient[:offset], *cases.as_grantee[:offset]]}
                  .values(), key=cases.key, reverse=cases.descending)[:offset]
    return _encode(cases, rows[-1], max(offset // 50, 1)) if rows else ""


@dataclass(frozen=True)
class CaseRow:
    case: Case
    acknowledge: deadlines.DueStatus
    feedback: deadlines.DueStatus
    # Every category of the case, the primary first, as labels (docs/adr/0100).
    categories: tuple[str, ...] = ()


def case_rows(*, actor: Actor, cases: Iterable[Case],
              now: datetime | None = None) -> list[CaseRow]:
    """The rows of a page, with their terms and categories (one query for the categories of
    every row on the page, however many there are)."""
    now = now or timezone.now()
    cases = list(cases)
    prefetch_related_objects(cases, Prefetch("category_rows",
                                             queryset=CaseCategory.objects.order_by("id")))
    rows = []
    for case in cases:
        if case.report is not None and integration.is_involved(case.report, actor.membership_id):
            continue
        ack = deadlines.due_status(start=case.received_at, due=case.acknowledge_due_at,
                                   done_at=case.acknowledged_at, now=now)
        ack_due = case.acknowledge_due_at
        start = (case.acknowledged_at if case.acknowledged_at and case.acknowledged_at <= ack_due
                 else ack_due)
        feedback = deadlines.due_status(start=start, due=case.feedback_due_at,
                                        done_at=case.feedback_given_at, now=now)
        labels = tuple(str(Category(value).label) for value in case_categories(case))
        rows.append(CaseRow(case=case, acknowledge=ack, feedback=feedback, categories=labels))
    return rows


def case_categories(case: Case) -> list[str]:
    """The case's categories, the primary first (prefetched `category_rows` are used)."""
    return integration.ordered_categories([row.category for row in case.category_rows.all()],
                                          primary=case.category)


def case_get_for_actor(*, actor: Actor, pk: int) -> tuple[Case, permissions.CaseAccess]:
    case = (Case.objects.filter(organisation_id=actor.organisation_id, pk=pk)
            .select_related("unit", "report", "organisation").first())
    if case is None:
        raise Http404
    access = access_for(case)
    if not permissions.can_view_case(actor, access):
        raise Http404
    return case, access


def case_contents(*, actor: Actor, case: Case, private_key: bytes) -> dict[str, str]:
    """The report parts this person may read: all for a recipient, the granted ones otherwise."""
    if case.report is None:
        return {}
    return integration.report_contents(actor=actor, report=case.report, private_key=private_key)


@dataclass(frozen=True)
class NoteView:
    pk: int
    kind: str
    kind_label: str
    author: str
    created_at: datetime
    text: str


def notes_for(*, actor: Actor, case: Case, access: permissions.CaseAccess,
              private_key: bytes) -> list[NoteView]:
    if not permissions.can_read_notes(actor, access) or case.report is None:
        return []
    key = integration.note_key(integration.report_key(
        report=case.report, membership_id=actor.membership_id, private_key=private_key))
    views = []
    for note in case.notes.select_related("author__user"):
        try:
            text = crypto.secret_decrypt(key, bytes(note.ciphertext)).decode()
        except crypto.DecryptionError:
            text = ""
        views.append(NoteView(pk=note.pk, kind=note.kind, kind_label=note.get_kind_display(),
                              author=str(note.author.user) if note.author else "",
                              created_at=note.created_at, text=text))
    return views


def timeline_for(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor__user").order_by("created_at", "id")


def consents_for(*, case: Case) -> QuerySet[ConsentRequest]:
    return case.consents.select_related("recipient__user").order_by("-asked_at")


def advice_contacts_for(*, actor: Actor) -> QuerySet[AdviceContact]:
    if not permissions.can_record_advice_contact(actor):
        return AdviceContact.objects.none()
    return (AdviceContact.objects.filter(organisation_id=actor.organisation_id,
                                         advisor_id=actor.membership_id)
            .select_related("unit").prefetch_related("lessons"))


def lessons_for(*, actor: Actor) -> QuerySet[Lesson]:
    if not permissions.can_view_lessons(actor):
        return Lesson.objects.none()
    return (Lesson.objects.filter(organisation_id=actor.organisation_id)
            .prefetch_related("actions").order_by("-created_at"))


def lesson_get_for_actor(*, actor: Actor, pk: int) -> Lesson:
    lesson = lessons_for(actor=actor).filter(pk=pk).first()
    if lesson is None:
        raise Http404
    return lesson


def lesson_action_get_for_actor(*, actor: Actor, pk: int) -> LessonAction:
    if not permissions.can_turn_lesson_into_action(actor):
        raise Http404
    action = LessonAction.objects.filter(organisation_id=actor.organisation_id, pk=pk).first()
    if action is None:
        raise Http404
    return action


def pattern_signals_for(*, actor: Actor) -> QuerySet[PatternSignal]:
    if not permissions.can_view_pattern_signals(actor):
        return PatternSignal.objects.none()
    return (PatternSignal.objects.filter(organisation_id=actor.organisation_id,
                                         dismissed_at__isnull=True)
            .select_related("unit").order_by("-last_raised_at"))


def note_get(*, case: Case, pk: int) -> CaseNote:
    note = case.notes.filter(pk=pk).first()
    if note is None:
        raise Http404
    return note


def published_yearly_report_for(*, actor: Actor, year: int | None = None,
                                organisation_name: str = "") -> stats.YearlyReport | None:
    """The frozen yearly figures (suppressed by the threshold, ADR 0046) of a published year for
    someone who may see the statistics; None while the year can still change. Raises
    PermissionDenied for anyone else. Other apps (a yearly review, signals) read the advisors'
    figures through this, never the cases themselves."""
    if not permissions.can_view_statistics(actor):
        raise PermissionDenied
    return stats.published_yearly_report(
        organisation_id=actor.organisation_id, organisation_name=organisation_name,
        year=stats.latest_published_year() if year is None else year)


def saved_filters_for(*, actor: Actor) -> QuerySet[SavedCaseFilter]:
    """This person's own saved filters (nobody else's)."""
    return SavedCaseFilter.objects.filter(membership_id=actor.membership_id).order_by("name")


def standard_texts_for(*, actor: Actor) -> QuerySet[StandardText]:
    """The organisation's standard texts (the same for every handler there)."""
    return StandardText.objects.filter(organisation_id=actor.organisation_id)


def standard_text_get(*, actor: Actor, pk: int) -> StandardText:
    text = standard_texts_for(actor=actor).filter(pk=pk).first()
    if text is None:
        raise Http404
    return text
