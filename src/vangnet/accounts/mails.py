"""allauth's e-mails through the task queue without secrets in it (ADR 0051).

- The password-reset mail is queued as a mail kind with the user id only: the worker makes the
  reset key with allauth's own token generator and builds the link from SITE_URL (never from
  the request's Host header).
- Every other mail allauth sends here (the "unknown account" answer to a reset request, and the
  security notices when they are switched on: password or e-mail changed, second factor added)
  carries the requester's IP address, browser or typed address, which no id can rebuild. It is
  rendered in the request and queued sealed under the server's mail-queue key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.urls import reverse

from vangnet.core.mail import Mail, mail_kind, queue_mail, queue_sealed_email

PASSWORD_RESET_KEY = "account/email/password_reset_key"


@dataclass(frozen=True)
class SiteForMail:
    """What allauth's mail templates read as `current_site`; the worker has no request."""

    name: str
    domain: str


def site_for_mail() -> SiteForMail:
    return SiteForMail(name="Vangnet", domain=urlsplit(settings.SITE_URL).netloc)


def _render_with_allauth(template_prefix: str) -> Any:
    def render(address: str, context: dict[str, Any]) -> EmailMessage:
        return get_adapter().render_mail(template_prefix, address, context)

    return render


@mail_kind(PASSWORD_RESET_KEY, render=_render_with_allauth(PASSWORD_RESET_KEY))
def password_reset(*, user_id: int, email_address_id: int = 0) -> Mail | None:
    """Inside the worker: a fresh reset key for an active user, sent to the address asked for."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    address = user.email
    if email_address_id:
        address = (EmailAddress.objects.filter(pk=email_address_id, user=user)
                   .values_list("email", flat=True).first())
        if address is None:
            return None
    uid = user_pk_to_url_str(user)
    key = default_token_generator.make_token(user)
    url = settings.SITE_URL + reverse("account_reset_password_from_key",
                                      kwargs={"uidb36": uid, "key": key})
    return Mail({"user": user, "password_reset_url": url, "uid": uid, "key": key,
                 "current_site": site_for_mail(), "email": address},
                addresses=(address,), language=getattr(user, "preferred_language", ""))


def queue_account_mail(*, template_prefix: str, email: str, context: dict[str, Any]) -> None:
    """What AccountAdapter.send_mail does: ids for the reset mail, sealed for the rest."""
    if template_prefix == PASSWORD_RESET_KEY:
        user = context["user"]
        ids = {"user_id": user.pk}
        if email.lower() != (user.email or "").lower():
            # allauth found the user by one of their other verified addresses: send it there.
            address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
            if address is None:
                return
            ids["email_address_id"] = address.pk
        queue_mail(PASSWORD_RESET_KEY, **ids)
        return
    # What allauth's own send_mail adds to every mail's context.
    message = get_adapter().render_mail(
        template_prefix, email, {"current_site": site_for_mail(), "email": email, **context})
    html = next((content for content, mimetype in getattr(message, "alternatives", [])
                 if mimetype == "text/html"), "")
    queue_sealed_email(subject=str(message.subject), body=str(message.body), to=list(message.to),
                       html=str(html), from_email=message.from_email)
