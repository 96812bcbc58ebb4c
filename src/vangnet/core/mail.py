"""E-mail through the task queue, with nothing secret in the queue (ADR 0051).

The task table is in the database: the database administrator and, through the admin's "Task
results" page, the platform admin can read every task's arguments and result. So a mail task
carries only *what* to send and *about which rows*, never what the mail says:

- **Mail kinds** (the normal way). An app declares a kind in its `mails.py`:

      @mail_kind("cases/email/retaliation")        # the kind's name is its template prefix
      def case_notice(*, case_id: int) -> Mail | None:
          case = Case.objects.filter(pk=case_id).first()
          return Mail({"reference": case.reference, ...}) if case else None

  and queues it with ids only:
  `queue_mail("cases/email/retaliation", user_ids=[...], case_id=case.pk)`.
  The worker loads the rows, builds the context (and mints any link that grants access, such as
  an invitation or a password reset), renders `<template>_subject.txt` and `_body.txt` in each
  recipient's language and sends. Recipients who have an account are given by user id; the
  address is read at send time. A kind may add addresses of people without an account (an
  invitee) from the rows it loads.
- **Sealed mails** (the fallback). A mail whose context cannot be rebuilt from ids (allauth's
  security notices carry the requester's IP address and browser) is rendered in the request and
  queued encrypted with SecretBox under `server_key("mail-queue")`; the worker decrypts it with
  `server_keys("mail-queue")`. Never use this for a link that grants access: mint it in a kind.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from . import crypto
from .app import app_modules
from .tasks import send_mail_kind, send_sealed_email

MAIL_QUEUE_KEY_PURPOSE = "mail-queue"


@dataclass(frozen=True)
class Mail:
    """What a mail kind's builder found: the template context, and extra addresses.

    `addresses` are people without an account (an invitee); they get the mail in `language`
    (default: the language passed to `queue_mail`, else the site's). Users come by id.
    """

    context: dict[str, Any]
    addresses: tuple[str, ...] = ()
    language: str = ""


Builder = Callable[..., Mail | None]
Renderer = Callable[[str, dict[str, Any]], EmailMessage]
BuilderT = TypeVar("BuilderT", bound=Builder)


@dataclass(frozen=True)
class MailKind:
    name: str
    template: str
    build: Builder
    # Renders one message to one address; default: `<template>_subject.txt` + `_body.txt`.
    render: Renderer | None = field(default=None)


class UnknownMailKind(LookupError):
    """A task names a mail kind no app declares (a typo, or an old task after an upgrade)."""


_kinds: dict[str, MailKind] = {}
_discovered = False


def mail_kind(*names: str, template: str = "", render: Renderer | None = None,
              ) -> Callable[[BuilderT], BuilderT]:
    """Declare one or more mail kinds; the decorated function turns ids into a `Mail`.

    A kind's name is its template prefix unless `template` says otherwise, so one builder can
    serve several notices that need the same rows. The builder takes keyword-only integer ids
    and returns None when there is nothing (left) to send, e.g. the row was deleted or the
    invitation was accepted in the meantime. It runs inside the worker.
    """

    def register(build: BuilderT) -> BuilderT:
        for name in names:
            _kinds[name] = MailKind(name=name, template=template or name, build=build,
                                    render=render)
        return build

    return register


def mail_kind_get(name: str) -> MailKind:
    global _discovered
    if name not in _kinds and not _discovered:
        # Each app declares its kinds in `<app>/mails.py`; importing them registers them.
        list(app_modules("mails"))
        _discovered = True
    try:
        return _kinds[name]
    except KeyError:
        raise UnknownMailKind(name) from None


def _language_or_default(language: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def queue_mail(kind: str, *, user_ids: Iterable[int] = (), language: str | None = None,
               **ids: int) -> None:
    """Queue a mail of `kind` to these users (and to any addresses the kind adds).

    Only the kind's name, integer ids and a language code go into the queue. Call it in
    `transaction.on_commit` when the rows it names are written in the same transaction.
    """
    mail_kind_get(kind)  # fail in the caller, not in the worker, on a typo
    recipients = sorted({_as_id(pk, "user_ids") for pk in user_ids})
    clean_ids = {key: _as_id(value, key) for key, value in ids.items()}

    send_mail_kind.enqueue(kind=kind, user_ids=recipients, ids=clean_ids,
                           language=_language_or_default(language) if language else "")


def _as_id(value: Any, name: str) -> int:
    # Only integers may travel: a string could be a token, an address or a rendered text.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer id, not {type(value).__name__}")
    return value


def deliver_mail_kind(*, kind: str, user_ids: list[int], ids: dict[str, int], language: str) -> int:
    """Inside the worker: load the rows, build the context, render and send. Returns how many."""
    mail_kind = mail_kind_get(kind)
    built = mail_kind.build(**ids)
    if built is None:
        return 0
    context = {"SITE_URL": settings.SITE_URL, **built.context}
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk")
    recipients = [(user.email, getattr(user, "preferred_language", "")) for user in users if user.email]
    address_language = built.language or language
    recipients += [(address, address_language) for address in built.addresses]
    messages = []
    for address, recipient_language in recipients:
        with translation.override(_language_or_default(recipient_language)):
            if mail_kind.render is not None:
                messages.append(mail_kind.render(address, context))
            else:
                messages.append(_render_templates(mail_kind.template, address, context))
    for message in messages:
        message.send()
    return len(messages)


def _render_templates(template: str, address: str, context: dict[str, Any]) -> EmailMessage:
    subject = render_to_string(f"{template}_subject.txt", context)
    body = render_to_string(f"{template}_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[address])


# --- Sealed mails: rendered in the request, encrypted in the queue ---------------------------


def queue_sealed_email(*, subject: str, body: str, to: list[str], html: str = "",
                       from_email: str | None = None) -> None:
    """Queue an already rendered mail, encrypted under the server's mail-queue key.

    For mails whose context cannot be rebuilt from ids. Never for a link or code that grants
    access: declare a mail kind and mint it in the worker instead (ADR 0051).
    """
    payload = json.dumps({"subject": subject, "body": body, "to": list(to), "html": html,
                          "from": from_email or ""}).encode()
    sealed = crypto.secret_encrypt(crypto.server_key(MAIL_QUEUE_KEY_PURPOSE), payload)

    send_sealed_email.enqueue(sealed=base64.b64encode(sealed).decode("ascii"))


def deliver_sealed_email(*, sealed: str) -> int:
    """Inside the worker: decrypt with the current or a previous server key, then send."""
    ciphertext = base64.b64decode(sealed)
    for key in crypto.server_keys(MAIL_QUEUE_KEY_PURPOSE):
        try:
            payload = json.loads(crypto.secret_decrypt(key, ciphertext))
            break
        except crypto.DecryptionError:
            continue
    else:
        # The key it was sealed with is gone (rotated out); say so without any content.
        raise crypto.DecryptionError("no server key opens this queued mail")
    message = EmailMultiAlternatives(subject=payload["subject"], body=payload["body"],
                                     from_email=payload["from"] or None, to=payload["to"])
    if payload["html"]:
        message.attach_alternative(payload["html"], "text/html")
    return message.send()
