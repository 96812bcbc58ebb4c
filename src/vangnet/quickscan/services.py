"""Every write of the quickscan. Keyword-only, typed, atomic, permission-checked, audited.

Respondents have no account: their writes are authorised by their link (checked by the caller
through the selectors) and are deliberately NOT audited — an audit entry with a time stamp per
answer would be a trail back to a person.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vangnet.core.anonymity import threshold
from vangnet.core.audit import audit_record
from vangnet.organisations.models import Membership
from vangnet.organisations.permissions import Actor

from .content import DONT_KNOW, SCALE_VALUES, instrument
from .models import Action, RespondentToken, Response, Round, RoundGroup
from .permissions import can_manage_actions, can_manage_rounds

SOLO_GROUP = "solo"
DRAFT_RETENTION = timedelta(days=30)
MAX_LINKS_PER_REQUEST = 500
VALID_ANSWERS = frozenset((*SCALE_VALUES, DONT_KNOW))


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _user(actor: Actor) -> object:
    return get_user_model()(pk=actor.user_id)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _require_round(actor: Actor, round_: Round) -> None:
    _require(can_manage_rounds(actor) and round_.organisation_id == actor.organisation_id)


# --- rounds ----------------------------------------------------------------------------------


def round_start(*, actor: Actor, title: str, group_slugs: Iterable[str]) -> Round:
    _require(can_manage_rounds(actor))
    known = {g.slug for g in instrument().groups}
    slugs = list(dict.fromkeys(group_slugs))
    if not slugs or any(slug not in known for slug in slugs):
        raise ValidationError({"groups": _("Choose at least one group.")})
    with transaction.atomic():
        round_ = Round.objects.create(organisation_id=actor.organisation_id, title=title.strip(),
                                      kind=Round.Kind.GROUPS, created_by_id=actor.membership_id,
                                      threshold=threshold())
        RoundGroup.objects.bulk_create(RoundGroup(round=round_, slug=slug) for slug in slugs)
        audit_record(action="quickscan.round.start", actor=_user(actor), target=round_,
                     data={"groups": slugs})
    return round_


def solo_start(*, actor: Actor, title: str) -> tuple[Round, str]:
    """A round for one person on their own; returns the round and the link token to fill it in."""
    _require(can_manage_rounds(actor))
    raw = new_token()
    with transaction.atomic():
        round_ = Round.objects.create(organisation_id=actor.organisation_id, title=title.strip(),
                                      kind=Round.Kind.SOLO, created_by_id=actor.membership_id,
                                      threshold=threshold())
        group = RoundGroup.objects.create(round=round_, slug=SOLO_GROUP)
        RespondentToken.objects.create(group=group, token_hash=hash_token(raw))
        audit_record(action="quickscan.round.solo_start", actor=_user(actor), target=round_)
    return round_, raw


def round_close(*, actor: Actor, round_: Round) -> Round:
    """Closing freezes the results: links stop working, drafts are thrown away."""
    _require_round(actor, round_)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if not round_.is_open:
            return round_
        _close(round_)
        audit_record(action="quickscan.round.close", actor=_user(actor), target=round_)
    return round_


def _close(round_: Round) -> None:
    round_.status = Round.Status.CLOSED
    round_.closed_at = timezone.now()
    round_.threshold = threshold()
    round_.save(update_fields=["status", "closed_at", "threshold"])
    Response.objects.filter(round=round_, submitted=False).delete()
    RespondentToken.objects.filter(group__round=round_).update(spent=True)
    RoundGroup.objects.filter(round=round_).update(shared_token_hash="")


# --- links -----------------------------------------------------------------------------------


def _require_open_group(actor: Actor, group: RoundGroup) -> None:
    _require_round(actor, group.round)
    if not group.round.is_open or group.round.is_solo:
        raise ValidationError(_("This round is closed."))


def tokens_create(*, actor: Actor, group: RoundGroup, count: int) -> list[str]:
    """`count` new single-use links for the group. Only their hashes are stored."""
    _require_open_group(actor, group)
    if not 1 <= count <= MAX_LINKS_PER_REQUEST:
        raise ValidationError(_("Choose between 1 and %(max)s links.")
                              % {"max": MAX_LINKS_PER_REQUEST})
    raws = [new_token() for _ in range(count)]
    with transaction.atomic():
        RespondentToken.objects.bulk_create(
            RespondentToken(group=group, token_hash=hash_token(raw)) for raw in raws
        )
        audit_record(action="quickscan.links.create", actor=_user(actor), target=group.round,
                     data={"group": group.slug, "count": count})
    return raws


def respondent_url(*, organisation_slug: str, raw: str, shared: bool = False) -> str:
    name = "quickscan:shared_start" if shared else "quickscan:respond_start"
    return settings.SITE_URL + reverse(name, args=[organisation_slug, raw])


def tokens_email(*, actor: Actor, group: RoundGroup, addresses: Iterable[str],
                 organisation_name: str) -> int:
    """Send each address its own link, and forget which address got which.

    The mails are sent right here, not through the task queue: a queued task would store the
    address next to the link in the database until the task is cleaned up.
    """
    recipients = list(dict.fromkeys(a.strip().lower() for a in addresses if a.strip()))
    raws = tokens_create(actor=actor, group=group, count=len(recipients))
    secrets.SystemRandom().shuffle(raws)
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for address, raw in zip(recipients, raws, strict=True):
            context = {"organisation_name": organisation_name,
                       "url": respondent_url(organisation_slug=actor.organisation_slug, raw=raw)}
            subject = render_to_string("quickscan/email/invitation_subject.txt", context)
            body = render_to_string("quickscan/email/invitation_body.txt", context)
            messages.append(EmailMessage(" ".join(subject.split()), body, to=[address]))
    get_connection().send_messages(messages)
    return len(messages)


def shared_link_create(*, actor: Actor, group: RoundGroup) -> str:
    """A link for the whole group; a new one replaces (and switches off) the previous one."""
    _require_open_group(actor, group)
    raw = new_token()
    with transaction.atomic():
        group.shared_token_hash = hash_token(raw)
        group.save(update_fields=["shared_token_hash"])
        audit_record(action="quickscan.shared_link.create", actor=_user(actor),
                     target=group.round, data={"group": group.slug})
    return raw


# --- respondents (authorised by their link) --------------------------------------------------


def draft_for_token(*, token: RespondentToken) -> Response:
    response = Response.objects.filter(token=token, submitted=False).first()
    if response is not None:
        return response
    try:
        with transaction.atomic():
            return Response.objects.create(round_id=token.group.round_id, group=token.group,
                                           token=token, draft_updated_at=timezone.now())
    except IntegrityError:
        # The same link opened twice at the same moment: use the draft the other request made.
        return Response.objects.get(token=token)


def draft_for_shared_link(*, group: RoundGroup, draft_key: str | None) -> tuple[Response, str]:
    """The draft behind the draft key from the cookie, or a new draft with a new key."""
    if draft_key:
        response = Response.objects.filter(group=group, submitted=False,
                                           draft_key_hash=hash_token(draft_key)).first()
        if response is not None:
            return response, draft_key
    draft_key = new_token()
    response = Response.objects.create(round_id=group.round_id, group=group,
                                       draft_key_hash=hash_token(draft_key),
                                       draft_updated_at=timezone.now())
    return response, draft_key


def clean_answers(raw: Mapping[str, object]) -> dict[str, int]:
    """Only known statements and valid answers survive."""
    codes = set(instrument().codes)
    cleaned = {}
    for code, value in raw.items():
        try:
            number = int(str(value))
        except ValueError:
            continue
        if code in codes and number in VALID_ANSWERS:
            cleaned[code] = number
    return cleaned


def answers_save(*, response: Response, answers: Mapping[str, object]) -> Response:
    if response.submitted or not response.round.is_open:
        raise ValidationError(_("This questionnaire can no longer be changed."))
    with transaction.atomic():
        response.answers = {**response.answers, **clean_answers(answers)}
        response.draft_updated_at = timezone.now()
        response.save(update_fields=["answers", "draft_updated_at"])
    return response


def missing_codes(response: Response) -> list[str]:
    return [code for code in instrument().codes if code not in response.answers]


def response_submit(*, response: Response) -> Response:
    """Submit: the link is spent and cut loose from the answers. A solo round closes itself."""
    if response.submitted or not response.round.is_open:
        raise ValidationError(_("This questionnaire can no longer be changed."))
    if missing_codes(response):
        raise ValidationError(_("Some statements have no answer yet."))
    with transaction.atomic():
        token = response.token
        response.submitted = True
        response.token = None
        response.draft_key_hash = ""
        response.draft_updated_at = None
        response.save(update_fields=["submitted", "token", "draft_key_hash", "draft_updated_at"])
        if token is not None:
            RespondentToken.objects.filter(pk=token.pk).update(spent=True)
        round_ = response.round
        if round_.is_solo:
            _close(round_)
    return response


# --- action plan -----------------------------------------------------------------------------


def _check_owner(actor: Actor, owner: Membership | None) -> None:
    if owner is not None and owner.organisation_id != actor.organisation_id:
        raise PermissionDenied


def action_create(*, actor: Actor, title: str, description: str = "",
                  owner: Membership | None = None, due_date: date | None = None,
                  round_: Round | None = None, statement_code: str = "",
                  pillar: int | None = None, status: str = Action.Status.OPEN) -> Action:
    _require(can_manage_actions(actor))
    _check_owner(actor, owner)
    if round_ is not None and round_.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if statement_code:
        pillar = instrument().statement(statement_code).pillar
    with transaction.atomic():
        action = Action(organisation_id=actor.organisation_id, round=round_,
                        statement_code=statement_code, pillar=pillar, title=title.strip(),
                        description=description, owner=owner, due_date=due_date, status=status)
        action.full_clean()
        action.save()
        audit_record(action="quickscan.action.create", actor=_user(actor), target=action)
    return action


def action_create_from_priority(*, actor: Actor, round_: Round, statement_code: str) -> Action:
    """One click: an action pre-filled with the statement's recommended action."""
    statement = instrument().statement(statement_code)
    action_text = str(statement.action)
    title = _("Improve: %(statement)s") % {"statement": statement.code + " " + str(statement.text)}
    return action_create(actor=actor, title=title[:200], description=action_text, round_=round_,
                         statement_code=statement_code)


def action_update(*, actor: Actor, action: Action, title: str, description: str,
                  owner: Membership | None, due_date: date | None, status: str) -> Action:
    _require(can_manage_actions(actor) and action.organisation_id == actor.organisation_id)
    _check_owner(actor, owner)
    with transaction.atomic():
        action.title, action.description, action.owner = title.strip(), description, owner
        action.due_date, action.status = due_date, status
        action.full_clean()
        action.save()
        audit_record(action="quickscan.action.update", actor=_user(actor), target=action,
                     data={"status": status})
    return action


def drafts_delete_abandoned() -> int:
    """Retention: drafts nobody touched for DRAFT_RETENTION go. Counted, never described."""
    with transaction.atomic():
        deleted, _ = Response.objects.filter(
            submitted=False, draft_updated_at__lt=timezone.now() - DRAFT_RETENTION).delete()
        if deleted:
            audit_record(action="quickscan.drafts.delete", data={"count": deleted})
    return deleted
