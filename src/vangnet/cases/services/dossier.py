"""The dossier export (issue 13, ADR 0079): a PDF of a case for the complaints committee or a
hand-over, with only the parts the reporter consented to share with that recipient, the
passages the handler blacked out removed, a watermark naming who exported it and when on every
page, and an audit entry (ids only).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core.service import require, service_write
from vangnet.organisations.public import Actor

from .. import dossier, integration, permissions
from ..models import Case, CaseEvent, ConsentRequest
from ..parts import PART_LABELS
from ..selectors import access_for
from .common import _event
from .consent import _recipient_label

if TYPE_CHECKING:
    from django.db.models import QuerySet

# Consents whose parts may go into a dossier: the reporter said yes (and has not withdrawn).
# A share in acute danger was never agreed to, so it never feeds a dossier.
EXPORTABLE = (ConsentRequest.Status.CONSENTED, ConsentRequest.Status.SHARED)


def exportable_consents(case: Case) -> QuerySet[ConsentRequest]:
    return (case.consents.filter(status__in=EXPORTABLE, is_acute_danger=False)
            .select_related("recipient__user").order_by("asked_at", "pk"))


def exportable_consent(case: Case, consent_id: object) -> ConsentRequest:
    try:
        pk = int(str(consent_id))
    except ValueError:
        pk = 0
    consent = exportable_consents(case).filter(pk=pk).first()
    if consent is None:
        raise ValidationError({"consent": _(
            "Choose a recipient the reporter has agreed to share with.")})
    return consent


def recipient_label(consent: ConsentRequest) -> str:
    return _recipient_label(consent)


@dataclass(frozen=True)
class Dossier:
    pdf: bytes
    filename: str
    exported_at: datetime


def dossier_passages(*, actor: Actor, case: Case, consent: ConsentRequest,
                     private_key: bytes) -> list[dossier.Section]:
    """What the handler may black out: the consented parts, cut into passages (nothing redacted).
    Decrypting needs the handler's unlocked key (crypto.DecryptionError otherwise)."""
    access = access_for(case)
    require(permissions.can_export_dossier(actor, access))
    contents = _contents(actor=actor, case=case, private_key=private_key)
    return dossier.sections(contents=contents, parts=_parts(consent), redact=())


def dossier_export(*, actor: Actor, case: Case, consent: ConsentRequest, redact: Iterable[str],
                   private_key: bytes) -> Dossier:
    """Render the dossier for `consent`'s recipient. Audited with ids and counts only."""
    access = access_for(case)
    require(permissions.can_export_dossier(actor, access))
    consent = exportable_consent(case, consent.pk)  # again: the reporter may have withdrawn
    contents = _contents(actor=actor, case=case, private_key=private_key)
    parts = _parts(consent)
    redact = list(redact)
    if dossier.unknown_keys(contents=contents, parts=parts, redact=redact):
        raise ValidationError({"redact": _(
            "A passage you marked is no longer in the report. Open the export again and mark "
            "the passages once more.")})
    sections = dossier.sections(contents=contents, parts=parts, redact=redact)
    if not sections:
        raise ValidationError({"consent": _(
            "The parts the reporter agreed to share are empty: there is nothing to export.")})
    now = timezone.now()
    with service_write(action="cases.dossier_export", actor=actor, target=case) as change:
        exporter = get_user_model().objects.get(pk=actor.user_id)
        html = render_to_string("cases/dossier_pdf.html", {
            "case": case, "recipient": recipient_label(consent),
            "purpose": consent.get_recipient_kind_display(),
            "sections": [(PART_LABELS.get(s.part, s.part), s) for s in sections],
            "exporter": str(exporter), "exported_at": timezone.localtime(now),
            "redacted": sum(p.redacted for s in sections for p in s.passages),
        })
        pdf = _render(html)
        # The case timeline says for whom and by whom (the actor), never what was in it.
        _event(case, CaseEvent.Kind.DOSSIER_EXPORTED, actor=actor,
               summary=recipient_label(consent), at=now)
        change.data = {"consent": consent.pk, "parts": [s.part for s in sections],
                       "redacted": sorted(set(redact)), "bytes": len(pdf)}
    return Dossier(pdf=pdf, filename=f"dossier-{case.reference}.pdf", exported_at=now)


def _parts(consent: ConsentRequest) -> list[str]:
    return dossier.consented_parts(consent.parts, integration.REPORT_PARTS)


def _contents(*, actor: Actor, case: Case, private_key: bytes) -> dict[str, str]:
    if case.report is None:
        raise ValidationError({"consent": _("The contents of this case have been destroyed.")})
    return integration.report_contents(actor=actor, report=case.report, private_key=private_key)


def _render(html: str) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 - WeasyPrint is heavy and only needed for a PDF

    # No base URL and no external resources: the template inlines its CSS.
    return HTML(string=html).write_pdf()
