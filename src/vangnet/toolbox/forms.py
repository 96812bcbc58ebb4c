"""Forms of the toolbox. Choices in the active language; errors in plain Dutch."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .content import AUDIENCES, content
from .models import Routine, Werkvorm
from .selectors import WerkvormFilters
from .services import NOTE_MAX_LENGTH, OwnWerkvormInput


def audience_choices() -> list[tuple[str, Any]]:
    labels = {"team": _("Whole team"), "manager": _("Manager"), "one-to-one": _("One-to-one"),
              "organisation": _("Organisation")}
    return [(value, labels[value]) for value in AUDIENCES]


def pillar_choices(language: str) -> list[tuple[str, str]]:
    titles = content().pillar_titles(language)
    return [(str(number), f"{number}. {title}") for number, title in sorted(titles.items())]


def theme_choices(language: str) -> list[tuple[str, str]]:
    return sorted(content().theme_names(language).items(), key=lambda item: item[1])


DURATION_CHOICES = [("", _("Any duration")), ("15", _("Up to 15 minutes")),
                    ("30", _("Up to 30 minutes")), ("45", _("Up to 45 minutes")),
                    ("60", _("Up to 60 minutes"))]


class WerkvormFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    pillar = forms.ChoiceField(label=_("Pillar"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    audience = forms.ChoiceField(label=_("For whom"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *Werkvorm.Kind.choices])
    max_minutes = forms.ChoiceField(label=_("Duration"), required=False, choices=DURATION_CHOICES)
    group_size = forms.IntegerField(label=_("Group size"), required=False, min_value=1,
                                    max_value=500, help_text=_("Number of people taking part."))

    def __init__(self, *args: Any, language: str = "nl", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pillar"].choices = [("", _("All pillars")), *pillar_choices(language)]  # type: ignore[attr-defined]
        self.fields["theme"].choices = [("", _("All themes")), *theme_choices(language)]  # type: ignore[attr-defined]
        self.fields["audience"].choices = [("", _("Everyone")), *audience_choices()]  # type: ignore[attr-defined]

    def filters(self) -> WerkvormFilters:
        """The filters to apply; an invalid value is ignored rather than shown as an error page."""
        data = self.cleaned_data if self.is_valid() else {
            k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        return WerkvormFilters(
            query=data.get("q") or "",
            pillar=int(data["pillar"]) if data.get("pillar") else None,
            theme=data.get("theme") or "",
            audience=data.get("audience") or "",
            kind=data.get("kind") or "",
            max_minutes=int(data["max_minutes"]) if data.get("max_minutes") else None,
            group_size=data.get("group_size"),
        )


class DilemmaFilterForm(forms.Form):
    pillar = forms.ChoiceField(label=_("Pillar"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    setting = forms.ChoiceField(label=_("Setting"), required=False, choices=[
        ("", _("All settings")), ("public", _("Public sector")), ("youth-care", _("Youth care")),
        ("technical", _("Technical sector")), ("office", _("Office")),
        ("healthcare", _("Healthcare")), ("education", _("Education")),
        ("enforcement", _("Supervision and enforcement")), ("neighbourhood", _("Neighbourhood teams"))])

    def __init__(self, *args: Any, language: str = "nl", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pillar"].choices = [("", _("All pillars")), *pillar_choices(language)]  # type: ignore[attr-defined]
        self.fields["theme"].choices = [("", _("All themes")), *theme_choices(language)]  # type: ignore[attr-defined]


def _lines(value: str) -> tuple[str, ...]:
    return tuple(line.strip(" -•\t") for line in value.splitlines() if line.strip(" -•\t"))


class OwnWerkvormForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    purpose = forms.CharField(label=_("Purpose in one sentence"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Werkvorm.Kind.choices)
    pillars = forms.MultipleChoiceField(label=_("Pillars"), widget=forms.CheckboxSelectMultiple)
    themes = forms.MultipleChoiceField(label=_("Themes"), widget=forms.CheckboxSelectMultiple,
                                       required=False)
    audience = forms.MultipleChoiceField(label=_("For whom"), widget=forms.CheckboxSelectMultiple)
    duration_minutes = forms.IntegerField(label=_("Duration in minutes"), min_value=5, max_value=480)
    group_min = forms.IntegerField(label=_("Smallest group"), min_value=1, max_value=500, initial=2)
    group_max = forms.IntegerField(label=_("Largest group"), min_value=1, max_value=500, initial=15)
    preparation = forms.CharField(label=_("Preparation"), widget=forms.Textarea(attrs={"rows": 3}))
    steps = forms.CharField(label=_("Steps"), widget=forms.Textarea(attrs={"rows": 6}),
                            help_text=_("One step per line."))
    why = forms.CharField(label=_("Why it works"), widget=forms.Textarea(attrs={"rows": 3}))
    who_what_where = forms.CharField(label=_("Who, what, where"),
                                     widget=forms.Textarea(attrs={"rows": 3}))
    tips = forms.CharField(label=_("Tips for the facilitator"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One tip per line."))
    safety_note = forms.CharField(
        label=_("Safety note"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("When to stop, and where to refer someone: the confidential advisor or "
                    "professional help."))

    def __init__(self, *args: Any, language: str = "nl", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pillars"].choices = pillar_choices(language)  # type: ignore[attr-defined]
        self.fields["themes"].choices = theme_choices(language)  # type: ignore[attr-defined]
        self.fields["audience"].choices = audience_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("group_min") and data.get("group_max") and data["group_max"] < data["group_min"]:
            self.add_error("group_max", _("The largest group cannot be smaller than the smallest."))
        if "steps" in data and not _lines(data["steps"]):
            self.add_error("steps", _("Write at least one step."))
        return data

    def to_input(self) -> OwnWerkvormInput:
        data = self.cleaned_data
        return OwnWerkvormInput(
            title=data["title"].strip(), purpose=data["purpose"].strip(), kind=data["kind"],
            pillars=tuple(int(p) for p in data["pillars"]), themes=tuple(data["themes"]),
            audience=tuple(data["audience"]), duration_minutes=data["duration_minutes"],
            group_min=data["group_min"], group_max=data["group_max"],
            preparation=data["preparation"].strip(), steps=_lines(data["steps"]),
            why=data["why"].strip(), who_what_where=data["who_what_where"].strip(),
            tips=_lines(data.get("tips", "")), safety_note=data["safety_note"].strip(),
        )

    @staticmethod
    def initial_for(werkvorm: Werkvorm, language: str) -> dict[str, Any]:
        body = werkvorm.body(language)
        return {
            "title": werkvorm.title(language), "purpose": werkvorm.purpose(language),
            "kind": werkvorm.kind, "pillars": [str(p) for p in werkvorm.pillars],
            "themes": werkvorm.themes, "audience": werkvorm.audience,
            "duration_minutes": werkvorm.duration_minutes, "group_min": werkvorm.group_min,
            "group_max": werkvorm.group_max, "preparation": body.get("preparation", ""),
            "steps": "\n".join(body.get("steps", [])), "why": body.get("why", ""),
            "who_what_where": body.get("who_what_where", ""), "tips": "\n".join(body.get("tips", [])),
            "safety_note": body.get("safety_note", ""),
        }


class SessionForm(forms.Form):
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Team"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=200, initial=_("Team session"))
    planned_for = forms.DateTimeField(
        label=_("Date and time"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("The agenda shows clock times when you fill this in."))
    werkvormen = forms.ModelMultipleChoiceField(
        label=_("Werkvormen"), queryset=Werkvorm.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose werkvormen that together take 30 to 60 minutes. They are placed on "
                    "the agenda in the order of this list; you can change the order after saving."))

    def __init__(self, *args: Any, units: QuerySet, werkvormen: QuerySet, language: str = "nl",
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        field = self.fields["werkvormen"]
        field.queryset = werkvormen  # type: ignore[attr-defined]
        field.label_from_instance = lambda w: f"{w.title(language)} ({w.duration_minutes} min)"  # type: ignore[attr-defined]

    def ordered_werkvormen(self) -> list[Werkvorm]:
        chosen = {w.pk for w in self.cleaned_data["werkvormen"]}
        return [w for w in self.fields["werkvormen"].queryset if w.pk in chosen]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("werkvormen")
        if chosen is not None:
            total = sum(w.duration_minutes for w in chosen)
            if not 30 <= total <= 60:
                self.add_error("werkvormen", _(
                    "Together these take %(total)d minutes. Choose werkvormen that take 30 to 60 "
                    "minutes in total.") % {"total": total})
        return data


class RoutineForm(forms.Form):
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Team"), queryset=None, empty_label=None)
    werkvorm = forms.ModelChoiceField(label=_("Werkvorm"), queryset=Werkvorm.objects.none())
    title = forms.CharField(label=_("Name"), max_length=200, required=False,
                            help_text=_("Leave empty to use the name of the werkvorm."))
    frequency = forms.ChoiceField(label=_("How often"), choices=Routine.Frequency.choices)
    starts_on = forms.DateField(label=_("First date"),
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time_of_day = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"},
                                                                          format="%H:%M"))
    remind_days_before = forms.IntegerField(
        label=_("Reminder, days before"), min_value=0, max_value=14, initial=1,
        help_text=_("The team gets an e-mail this many days before each date."))

    def __init__(self, *args: Any, units: QuerySet, werkvormen: QuerySet, language: str = "nl",
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["werkvorm"].queryset = werkvormen  # type: ignore[attr-defined]
        self.fields["werkvorm"].label_from_instance = (  # type: ignore[attr-defined]
            lambda w: f"{w.title(language)} ({w.duration_minutes} min)")


class RoutineDoneForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"},
                                                                 format="%Y-%m-%d"))
    note = forms.CharField(
        label=_("Short note"), required=False, max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional. For example what you agreed. Do not write about individual people."))
