from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .content import Instrument
from .models import PulsePlan


def field_name(code: str) -> str:
    return "q_" + code


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Name of the pulse"), max_length=150,
                            help_text=_("For example: Pulse care teams 2027."),
                            error_messages={"required": _("Give the pulse a title.")})
    units = forms.TypedMultipleChoiceField(
        label=_("Which departments or teams?"), coerce=int, widget=forms.CheckboxSelectMultiple,
        help_text=_("Each department or team answers as its own group: its own members only."),
        error_messages={"required": _("Choose at least one department or team from the list.")})
    cadence = forms.ChoiceField(label=_("How often?"), choices=PulsePlan.Cadence.choices,
                                widget=forms.RadioSelect, initial=PulsePlan.Cadence.QUARTERLY)
    first_start = forms.DateField(
        label=_("First wave starts on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Choose a start date."),
                        "invalid": _("Enter a date, for example 1-3-2027.")})
    open_days = forms.IntegerField(
        label=_("Days open per wave"), min_value=3, max_value=60, initial=14,
        error_messages={"min_value": _("A wave stays open between 3 and 60 days."),
                        "max_value": _("A wave stays open between 3 and 60 days."),
                        "invalid": _("Enter a number of days."),
                        "required": _("Enter a number of days.")})

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.TypedMultipleChoiceField = self.fields["units"]  # type: ignore[assignment]
        field.choices = units
        self.fields["first_start"].initial = timezone.localdate()


class AnswersForm(forms.Form):
    """The whole pulse on one page: eleven statements on the 7-point scale, one open question."""

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        choices = [(str(value), str(text)) for value, text in instrument.options]
        for item in instrument.items:
            self.fields[field_name(item.code)] = forms.ChoiceField(
                label=str(item.text), choices=choices, widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer.")})
        self.fields[field_name(instrument.open.code)] = forms.CharField(
            label=str(instrument.open.text), help_text=str(instrument.open.help), required=False,
            max_length=instrument.open.max_length, widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"max_length": _("Keep your answer under 1000 characters.")})

    def answers(self) -> dict[str, str]:
        codes = [*self.instrument.codes, self.instrument.open.code]
        return {code: self.cleaned_data[field_name(code)] for code in codes}


class ActionForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Department or team"), coerce=int)
    text = forms.CharField(label=_("What did the team agree?"), max_length=300,
                           error_messages={"required": _("Write down what the team agreed.")})

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.TypedChoiceField = self.fields["unit"]  # type: ignore[assignment]
        field.choices = units


class SettingsForm(forms.Form):
    employees_see_results = forms.BooleanField(
        label=_("Employees see their own team's results once a wave is closed"), required=False,
        help_text=_("Only their own department or team, and only when enough people answered. "
                    "Never other teams, the open answers or the figures of the whole "
                    "organisation."))
