from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from vangnet.organisations.models import Membership

from .content import Statement, instrument
from .models import Action
from .services import MAX_LINKS_PER_REQUEST


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: forms.MultipleChoiceField = self.fields["groups"]  # type: ignore[assignment]
        groups.choices = [(g.slug, str(g.name)) for g in instrument().groups]


class SoloForm(forms.Form):
    title = forms.CharField(label=_("Name"), max_length=150,
                            initial=_("My own quickscan"))


class LinksForm(forms.Form):
    count = forms.IntegerField(label=_("Number of personal links"), min_value=1,
                               max_value=MAX_LINKS_PER_REQUEST, required=False)
    addresses = forms.CharField(
        label=_("Or e-mail addresses, one per line"), required=False, widget=forms.Textarea(
            attrs={"rows": 4}),
        help_text=_("Everyone gets their own link. Vangnet does not keep the addresses and does "
                    "not remember who got which link."),
    )

    def clean_addresses(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["addresses"].replace(",", "\n")
                 .splitlines() if line.strip()]
        wrong = []
        for line in lines:
            try:
                validate_email(line)
            except forms.ValidationError:
                wrong.append(line)
        if wrong:
            raise forms.ValidationError(_("These are not e-mail addresses: %(list)s"),
                                        params={"list": ", ".join(wrong[:5])})
        if len(lines) > MAX_LINKS_PER_REQUEST:
            raise forms.ValidationError(_("At most %(max)s addresses at a time."),
                                        params={"max": MAX_LINKS_PER_REQUEST})
        return lines

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("count") and not data.get("addresses") and not self.errors:
            raise forms.ValidationError(_("Fill in a number of links or e-mail addresses."))
        return data


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
        owner.queryset = (Membership.objects.filter(organisation_id=organisation_id,
                                                    is_active=True)
                          .select_related("user").order_by("user__full_name"))
        owner.label_from_instance = lambda m: str(m.user)  # type: ignore[method-assign,assignment]
