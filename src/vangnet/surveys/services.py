"""The survey engine's writes, shared by every instrument (ADR 0080). Each works on the tables of
one instrument (`SurveyTables`).

These are the mechanics; permission, audit and the instrument's own rules stay with the
instrument's services, which call these inside their `core.service.service_write` block.
Respondents' writes (drafts, answers, submission) are deliberately NOT audited: an audit entry
with a time stamp per answer would be a trail back to a person (ADR 0021).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import timedelta
from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SurveyGroup, SurveyLink, SurveyResponse, SurveyRound
from .tables import SurveyTables
from .tokens import hash_token, new_token

DRAFT_RETENTION = timedelta(days=30)


def _objects(model: type[models.Model]) -> Any:
    # The foreign keys (round, group, membership, token) live on the instrument's concrete
    # models, so they are unknown to the type checker on the abstract bases.
    return model._default_manager


def _row(model: type[models.Model], **fields: Any) -> Any:
    return cast("Any", model)(**fields)


# --- links -----------------------------------------------------------------------------------


def links_add(tables: SurveyTables, *, round_id: int, group: SurveyGroup,
              membership_ids: Collection[int]) -> tuple[list[int], set[int]]:
    """Give these members a link row (no hash yet) in the group; who has a link in this round
    (any group) is skipped, and the database refuses a second one too. Returns (new, taken).

    Locks the round: two requests at once must not both see a member as not yet invited, and a
    round closed meanwhile gets no new links. Call inside the caller's transaction.
    """
    locked = _objects(tables.round).select_for_update().get(pk=round_id)
    if not locked.is_open:
        raise ValidationError(_("This round is closed."))
    taken = set(_objects(tables.link).filter(round_id=round_id, membership_id__in=membership_ids)
                .values_list("membership_id", flat=True))
    new = sorted(set(membership_ids) - taken)
    _objects(tables.link).bulk_create(
        _row(tables.link, round_id=round_id, group=group, membership_id=pk) for pk in new)
    return new, taken


MakeEmail = Callable[[str, str, str], EmailMessage]  # (raw link token, address, language)


def links_send(tables: SurveyTables, *, round_id: int, reminder: bool,
               make_email: MakeEmail) -> int:
    """In the worker: mint each waiting link of the round and e-mail it to its member.

    The raw link exists only in this process and in the member's mail; the task table holds the
    round's id. Each link is claimed with a conditional update, so two workers never send the same
    link twice. With `reminder`, links already sent but not used get a fresh one (the old one stops
    working; a draft carries on: it hangs on the link row, not on the hash). The address is read
    from the membership here and never stored with a link or an answer.
    """
    waiting = _objects(tables.link).filter(round_id=round_id, spent=False,
                                          membership__isnull=False, membership__is_active=True)
    if not reminder:
        waiting = waiting.filter(token_hash__isnull=True)
    sent = 0
    connection = get_connection()
    for token_id, old_hash, email, language in waiting.values_list(
            "pk", "token_hash", "membership__user__email", "membership__user__preferred_language"):
        raw = new_token()
        same_hash = Q(token_hash__isnull=True) if old_hash is None else Q(token_hash=old_hash)
        claimed = _objects(tables.link).filter(same_hash, pk=token_id, spent=False)
        if not claimed.update(token_hash=hash_token(raw)):
            continue  # another worker took it, or the member answered meanwhile
        try:
            connection.send_messages([make_email(raw, email, language)])
        except Exception:
            # Not sent: give the link back, so that the next run sends it (the task fails and
            # says so; nobody ends up with a link that never arrived).
            _objects(tables.link).filter(pk=token_id, token_hash=hash_token(raw)).update(
                token_hash=old_hash)
            raise
        sent += 1
    return sent


def shared_link_set(group: SurveyGroup) -> str:
    """A new shared link for the group (replacing the previous one); the raw token, shown once."""
    raw = new_token()
    group.shared_token_hash = hash_token(raw)
    group.save(update_fields=["shared_token_hash"])
    return raw


# --- respondents (authorised by their link) --------------------------------------------------


def draft_for_link(tables: SurveyTables, link: SurveyLink) -> SurveyResponse:
    response: SurveyResponse | None = _objects(tables.response).filter(
        token=link, submitted=False).first()
    if response is not None:
        return response
    channel = (SurveyResponse.Channel.PERSONAL if getattr(link, "membership_id", None)
               else SurveyResponse.Channel.UNBOUND)
    group = link.group  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            created: SurveyResponse = _objects(tables.response).create(
                round_id=group.round_id, group=group, token=link, channel=channel,
                draft_updated_at=timezone.now())
            return created
    except IntegrityError:
        # The same link opened twice at the same moment: use the draft the other request made.
        found: SurveyResponse = _objects(tables.response).get(token=link)
        return found


def draft_for_shared_link(tables: SurveyTables, *, group: SurveyGroup,
                          draft_key: str | None) -> tuple[SurveyResponse, str]:
    """The draft behind the draft key from the cookie, or a new draft with a new key."""
    if draft_key:
        response: SurveyResponse | None = _objects(tables.response).filter(
            group=group, submitted=False, draft_key_hash=hash_token(draft_key)).first()
        if response is not None:
            return response, draft_key
    draft_key = new_token()
    created: SurveyResponse = _objects(tables.response).create(
        round_id=group.round_id,  # type: ignore[attr-defined]
        group=group, channel=SurveyResponse.Channel.SHARED,
        draft_key_hash=hash_token(draft_key), draft_updated_at=timezone.now())
    return created, draft_key


def answers_merge(response: SurveyResponse, cleaned: Mapping[str, Any]) -> SurveyResponse:
    """Add already-cleaned answers to a draft (the instrument cleans them against its items)."""
    response.answers = {**response.answers, **cleaned}
    response.draft_updated_at = timezone.now()
    response.save(update_fields=["answers", "draft_updated_at"])
    return response


def submit_and_detach(tables: SurveyTables, response: SurveyResponse) -> None:
    """Submit: the link is spent and cut loose from the answers, which are tied to nobody."""
    token_id = getattr(response, "token_id", None)
    response.submitted = True
    response.token = None  # type: ignore[attr-defined]
    response.draft_key_hash = ""
    response.draft_updated_at = None
    cast("Any", response).save(
        update_fields=["submitted", "token", "draft_key_hash", "draft_updated_at"])
    if token_id is not None:
        _objects(tables.link).filter(pk=token_id).update(spent=True)


# --- closing ---------------------------------------------------------------------------------


def close(tables: SurveyTables, round_: SurveyRound, *, threshold: int | None = None) -> None:
    """Close: drafts thrown away, every link spent and its hash removed, shared links off, and the
    frozen answers written again in random order (so neither participation nor row order, ids or
    transaction ids link an answer to a person). `threshold` given: frozen at this value. Call
    inside the caller's transaction, with the round locked."""
    round_.status = SurveyRound.Status.CLOSED
    round_.closed_at = timezone.now()
    fields = ["status", "closed_at"]
    if threshold is not None:
        round_.threshold = threshold
        fields.append("threshold")
    round_.save(update_fields=fields)
    _objects(tables.response).filter(round=round_, submitted=False).delete()
    _objects(tables.link).filter(round=round_).update(spent=True, token_hash=None)
    _objects(tables.group).filter(round=round_).update(shared_token_hash="")
    rewrite_in_random_order(tables, round_)


# The random sort key per database: PostgreSQL's gen_random_uuid() comes from its strong random
# source (pg_strong_random); SQLite's random() from its ChaCha20 generator seeded by the system.
_RANDOM_KEY = {"postgresql": "gen_random_uuid()", "sqlite": "random()"}


def rewrite_in_random_order(tables: SurveyTables, round_: SurveyRound) -> None:
    """Write the frozen answers again, in random order, under new ids, in this one transaction.

    Set-based (ADR 0136): one INSERT … SELECT … ORDER BY a random key copies the round's
    submitted answers (cut loose: no link, no draft key, no draft time), so the new ids and the
    rows' stored order follow that random order; one DELETE removes the old rows. The answers never
    pass through Python, so closing costs two statements whatever the number of answers."""
    model = tables.response
    meta = model._meta
    columns = {f.name: f.column for f in meta.concrete_fields}
    known = {meta.pk.name, "round", "group", "token", "answers", "channel", "submitted",
             "draft_key_hash", "draft_updated_at"}
    if set(columns) != known:  # a new column would be dropped silently: refuse instead
        raise ImproperlyConfigured(f"{meta.label}: the engine does not know how to rewrite "
                                   f"{sorted(set(columns) ^ known)}")
    table = connection.ops.quote_name(meta.db_table)
    q = {name: connection.ops.quote_name(str(column)) for name, column in columns.items()}
    last = _objects(model).filter(round=round_).aggregate(last=models.Max("pk"))["last"]
    if last is None:
        return
    random_key = _RANDOM_KEY.get(connection.vendor)
    if random_key is None:
        raise ImproperlyConfigured(f"No random order for {connection.vendor}")
    # Identifiers from the model's own metadata, quoted; every value a parameter.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({q['round']}, {q['group']}, {q['answers']}, "  # noqa: S608
            f"{q['channel']}, "
            f"{q['submitted']}, {q['draft_key_hash']}, {q['draft_updated_at']}, {q['token']}) "
            f"SELECT {q['round']}, {q['group']}, {q['answers']}, {q['channel']}, %s, '', NULL, "
            f"NULL FROM {table} WHERE {q['round']} = %s AND {q['submitted']} = %s "
            f"ORDER BY {random_key}",
            [True, round_.pk, True])
        # New ids come after every id handed out before, so the old rows are those up to `last`.
        cursor.execute(f"DELETE FROM {table} WHERE {q['round']} = %s "  # noqa: S608
                       f"AND {q[meta.pk.name]} <= %s", [round_.pk, last])


def drafts_delete_abandoned(tables: SurveyTables, *,
                            retention: timedelta = DRAFT_RETENTION) -> int:
    """Retention: drafts nobody touched for `retention` go. Returns how many."""
    deleted, _by_model = _objects(tables.response).filter(
        submitted=False, draft_updated_at__lt=timezone.now() - retention).delete()
    return int(deleted)
