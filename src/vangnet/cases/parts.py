"""The parts of a report as cases names them to handlers (reporting stores them encrypted;
`integration.REPORT_PARTS` gives their order)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PART_LABELS = {
    "narrative": _("What happened"),
    "when": _("When"),
    "where": _("Where"),
    "involved": _("Who was involved"),
    "witnesses": _("Witnesses"),
    "impact": _("What it did to the reporter"),
    "wishes": _("What the reporter would like"),
    "identity": _("The reporter's name"),
    "contact": _("How to reach the reporter"),
}
