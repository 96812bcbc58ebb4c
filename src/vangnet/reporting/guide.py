"""The route guide (wegwijzer): questions in, recommended steps out. Pure: nothing is stored.

The answers are posted (never in the URL, so never in the browser's history) and only used to
render the one answer page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import StepKind
from .route import MANAGER_ABOVE

WANTS = [
    ("heard", _("To be heard and to tell my story")),
    ("advice", _("Advice about what I can do")),
    ("mediation", _("A conversation with help, for example mediation")),
    ("complaint", _("To make a formal complaint")),
    ("record", _("Only to put it on record")),
]
YES_NO = [("no", _("No")), ("yes", _("Yes")), ("unsure", _("I don't know"))]


@dataclass
class Advice:
    steps: list[str] = field(default_factory=list)  # StepKind values, in order of advice
    acute: bool = False
    skip_manager: bool = False
    skip_advice: bool = False  # a confidential advisor or HR is involved: not those steps
    external_codes: list[str] = field(default_factory=list)
    report_online: bool = True


def recommend(*, category: str, manager_involved: str, danger: str, want: str, speak_up: str,
              advice_involved: str = "no") -> Advice:
    advice = Advice()
    if danger == "yes":
        advice.acute = True
        advice.external_codes = ["112", "politie"]
    advice.skip_manager = manager_involved == "yes"
    advice.skip_advice = advice_involved == "yes"
    steps: list[str] = []
    talk = want in {"mediation", "advice", "heard"}
    if speak_up == "yes" and talk and danger != "yes":
        steps.append(StepKind.SPEAK_UP)
    if manager_involved == "no" and talk:
        steps.append(StepKind.MANAGER)
    if advice.skip_manager and talk:
        # Your own manager is involved: the person above them can still act.
        steps.append(MANAGER_ABOVE)
    if advice.skip_advice:
        # The advisor or HR is involved: the committee and bodies outside stay independent.
        steps.append(StepKind.COMPLAINTS_COMMITTEE)
        advice.external_codes.append("arbeidsinspectie")
    elif want == "complaint":
        # The confidential advisor fits almost every wish: listening, advice, the way to a complaint.
        steps += [StepKind.ADVISOR, StepKind.COMPLAINTS_COMMITTEE]
    else:
        steps.append(StepKind.ADVISOR)
        if want == "mediation":
            steps.append(StepKind.HR)
    if category == "integriteit":
        advice.external_codes.append("huis_klokkenluiders")
    if category == "discriminatie":
        advice.external_codes += ["crm", "discriminatie_nl"]
    if category in {"werkdruk", "agressie_geweld"}:
        advice.external_codes.append("arbeidsinspectie")
    advice.external_codes = list(dict.fromkeys(advice.external_codes))
    if advice.external_codes:
        steps.append(StepKind.EXTERNAL)
    advice.steps = list(dict.fromkeys(steps))
    return advice
