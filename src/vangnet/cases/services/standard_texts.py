"""An organisation's standard texts for replies to reporters (issue 13)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vangnet.core.service import service_write
from vangnet.organisations.public import Actor

from .. import permissions
from ..models import StandardText
from ..texts import unknown_placeholders


def standard_text_save(*, actor: Actor, kind: str, title: str, body: str,
                       text: StandardText | None = None) -> StandardText:
    body, title = body.strip(), title.strip()
    unknown = unknown_placeholders(body)
    if unknown:
        raise ValidationError({"body": _("Unknown placeholder: %(names)s. Use only the ones "
                                          "listed.") % {"names": ", ".join(
                                              "{" + name + "}" for name in unknown)}})
    if text is not None and text.organisation_id != actor.organisation_id:
        raise ValidationError(_("This text belongs to another organisation."))
    with service_write(action="cases.standard_text_save", actor=actor,
                       allowed=permissions.can_manage_standard_texts(actor),
                       organisation_id=actor.organisation_id) as change:
        if text is None:
            text = StandardText(organisation_id=actor.organisation_id)
        text.kind, text.title, text.body = kind, title, body
        text.full_clean()
        text.save()
        change.target, change.data = text, {"kind": kind}
    return text


def standard_text_delete(*, actor: Actor, text: StandardText) -> None:
    with service_write(action="cases.standard_text_delete", actor=actor,
                       allowed=(permissions.can_manage_standard_texts(actor)
                                and text.organisation_id == actor.organisation_id),
                       organisation_id=actor.organisation_id) as change:
        change.target, change.data = text, {"standard_text": text.pk}
        text.delete()
