"""The route guide (wegwijzer): questions in, recommended steps out. Pure: nothing is stored."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import StepKind

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
    external_codes: list[str] = field(default_factory=list)
    report_online: bool = True


def recommend(*, category: str, manager_involved: str, danger: str, want: str, speak_up: str) -> Advice:
    advice = Advice()
    if danger == "yes":
        advice.acute = True
        advice.external_codes = ["112", "politie"]
    advice.skip_manager = manager_involved == "yes"
    steps: list[str] = []
    if speak_up == "yes" and want in {"heard", "advice", "mediation"} and danger != "yes":
        steps.append(StepKind.SPEAK_UP)
    if not advice.skip_manager and manager_involved == "no" and want in {"mediation", "advice", "heard"}:
        steps.append(StepKind.MANAGER)
    # The confidential advisor fits almost every wish: listening, advice, the way to a complaint.
    if want == "complaint":
        steps += [StepKind.ADVISOR, StepKind.COMPLAINTS_COMMITTEE]
    elif want == "record":
        steps.append(StepKind.ADVISOR)
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
    if advice.external_codes:
        steps.append(StepKind.EXTERNAL)
    advice.steps = list(dict.fromkeys(steps))
    return advice
