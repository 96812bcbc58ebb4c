from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vangnet.organisations.public import Role, active_memberships_in

from .content import Statement, instrument
from .models import Action


def field_name(code: str) -> str:
    return "s_" + code.replace(".", "_")


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Name of the round"), max_length=150,
                            help_text=_("For example: Quickscan spring 2027."))
    groups = forms.MultipleChoiceField(
        label=_("Which groups answer?"), widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose at least two groups to see where they differ."),
        error_messages={"required": _("Choose at least one group.")},
    )

    unit = forms.TypedChoiceField(
        label=_("For whom?"), coerce=int, empty_value=None, required=False,
        help_text=_("A round for a unit asks only its members and those of the units below it."))

    def __init__(self, *args: Any, units: list[tuple[int, str]] | None = None,
                 whole_organisation: bool = True, groups: list[tuple[str, str]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.MultipleChoiceField = self.fields["groups"]  # type: ignore[assignment]
        field.choices = groups if groups is not None else [
            (g.slug, str(g.name)) for g in instrument().groups]
        unit: forms.TypedChoiceField = self.fields["unit"]  # type: ignore[assignment]
        whole = [("", _("The whole organisation"))] if whole_organisation else []
        unit.choices = whole + list(units or [])
        unit.required = not whole_organisation
        unit.error_messages["required"] = _("Choose a unit.")
        if whole_organisation and not units:
            del self.fields["unit"]


class SoloForm(forms.Form):
    title = forms.CharField(label=_("Name"), max_length=150,
                            initial=_("My own quickscan"))


class InviteForm(forms.Form):
    """Who in a group gets a personal link: units, roles, or everyone."""

    everyone = forms.BooleanField(label=_("Everyone in the organisation"), required=False)
    units = forms.TypedMultipleChoiceField(
        label=_("Members of these units"), coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Teams that are part of a chosen unit are included."))
    roles = forms.MultipleChoiceField(label=_("Members with these roles"), required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      choices=Role.choices)

    def __init__(self, *args: Any, units: list[tuple[int, str]], for_unit: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if for_unit:
            self.fields["everyone"].label = _("Everyone in this unit and the units below it")
        field: forms.TypedMultipleChoiceField = self.fields["units"]  # type: ignore[assignment]
        field.choices = units
        if not units:
            del self.fields["units"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not (data.get("everyone") or data.get("units")
                                    or data.get("roles")):
            raise forms.ValidationError(_("Choose who gets a link: units, roles or everyone."))
        return data


class RiskAcceptanceForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have read this text and accept it on behalf of the organisation."),
        error_messages={"required": _("Tick the box to confirm the text.")})
    reason = forms.CharField(
        label=_("Why do you accept this risk?"), max_length=2000, widget=forms.Textarea(
            attrs={"rows": 4}),
        help_text=_("This reason is shown on the report, with your name and the date."))
    # The exact text that was shown; the service refuses it when it no longer matches.
    statement = forms.CharField(widget=forms.HiddenInput, max_length=2000)


def answer_choices() -> list[tuple[str, str]]:
    options = sorted(instrument().scale, key=lambda o: (o.value == 0, o.value))
    return [(str(o.value), str(o.label)) for o in options]


class PillarAnswersForm(forms.Form):
    """The statements of one pillar, each with the 5-point scale plus "don't know"."""

    def __init__(self, *args: Any, statements: tuple[Statement, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.statements = statements
        for statement in statements:
            self.fields[field_name(statement.code)] = forms.ChoiceField(
                label=f"{statement.code} {statement.text}", choices=answer_choices(),
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer. Not sure? Choose "
                                              "“Don't know”.")},
            )

    def partial_answers(self) -> dict[str, str]:
        """What was filled in, valid or not yet complete: saved on every button."""
        data = self.data
        return {s.code: data.get(field_name(s.code), "") for s in self.statements
                if data.get(field_name(s.code))}

    def answers(self) -> dict[str, str]:
        return {s.code: self.cleaned_data[field_name(s.code)] for s in self.statements}


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["title", "description", "owner", "due_date", "status"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: forms.ModelChoiceField = self.fields["owner"]  # type: ignore[assignment]
        owner.queryset = (active_memberships_in(organisation_id=organisation_id)
                          .select_related("user").order_by("user__full_name"))
        owner.label_from_instance = lambda m: str(m.user)  # type: ignore[method-assign,assignment]


class GroupNameForm(forms.Form):
    """A group's name in this organisation (a new group when `slug` is empty)."""

    slug = forms.SlugField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), min_length=2, max_length=100)
