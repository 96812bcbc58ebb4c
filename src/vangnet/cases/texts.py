"""Standard texts: placeholders and how they are filled in for one case (issue 13). Pure
functions: the view gathers the values, nothing here reads the database."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# {name} in a standard text → what it becomes; Dutch names, as coordinators write them.
PLACEHOLDERS = {
    "kenmerk": _("the case reference"),
    "organisatie": _("the organisation's name"),
    "behandelaar": _("your name"),
    "terugkoppeling_voor": _("the date feedback is due"),
}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def unknown_placeholders(body: str) -> list[str]:
    """Placeholders in `body` that Vangnet does not know (a typo would reach the reporter)."""
    return sorted({name for name in _PLACEHOLDER.findall(body) if name not in PLACEHOLDERS})


@dataclass(frozen=True)
class TextValues:
    reference: str
    organisation: str
    handler: str
    feedback_due: str


def fill(body: str, values: TextValues) -> str:
    """The text as the reporter will read it: each known placeholder replaced, nothing else
    interpreted (no format strings, no template language)."""
    mapping = {"kenmerk": values.reference, "organisatie": values.organisation,
               "behandelaar": values.handler, "terugkoppeling_voor": values.feedback_due}
    return _PLACEHOLDER.sub(lambda m: mapping.get(m.group(1), m.group(0)), body)
