from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import MAX_SEATS_CEILING, MIN_SEATS_FLOOR, Audience, Offer

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
SCORE_CHOICES = [(str(i), str(i)) for i in range(1, 6)]


class PoolForm(forms.Form):
    name = forms.CharField(label=_("Name of the pool"), max_length=200)


class JoinForm(forms.Form):
    organisation_slug = forms.SlugField(
        label=_("Short name of the organisation that joins"),
        help_text=_("As in its links, for example gemeente-zonnedal."))


class FacilitatorProfileForm(forms.Form):
    line_experience = forms.BooleanField(label=_("Has experience as a manager (line)"), required=False)
    facilitation_experience = forms.BooleanField(label=_("Has experience as a facilitator"),
                                                 required=False)
    trained_on = forms.DateField(label=_("Training completed on"), required=False, widget=DATE_WIDGET)
    programme = forms.CharField(label=_("Training programme"), max_length=200, required=False)
    languages = forms.CharField(label=_("Languages"), max_length=100, initial="nl")
    online = forms.BooleanField(label=_("Leads online sessions"), required=False, initial=True)
    on_site = forms.BooleanField(label=_("Leads sessions on site"), required=False, initial=True)
    availability = forms.CharField(label=_("Availability"), max_length=200, required=False)


class FacilitatorForm(FacilitatorProfileForm):
    """Add a facilitator: the person is chosen from the people the search shows (radio buttons,
    no script needed); any eligible person validates, also one the current search does not show.
    Eligible: holding the workshop facilitator role in an organisation of the pool, not yet in it."""

    membership = forms.TypedChoiceField(
        label=_("Person"), coerce=int, widget=forms.RadioSelect, empty_value=None,
        error_messages={"invalid_choice": _(
            "This person does not have the role of workshop facilitator in an organisation of "
            "this pool, or is in the pool already. Search and choose someone from the list.")})
    field_order = ["membership"]

    def __init__(self, *args: Any, candidates: QuerySet[Any], shown: list[Any],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        field: Any = self.fields["membership"]
        field.widget.choices = [(m.pk, person_label(m)) for m in shown]
        # Validation is against the whole eligible set (checked in clean_membership).
        field.valid_value = lambda value: True

    def clean_membership(self) -> Any:
        pk = self.cleaned_data["membership"]
        found = self.candidates.filter(pk=pk).first() if pk is not None else None
        if found is None:
            raise forms.ValidationError(self.fields["membership"].error_messages["invalid_choice"],
                                        code="invalid_choice")
        return found


def person_label(membership: Any) -> str:
    name = membership.user.get_full_name() or membership.user.email
    return f"{name} ({membership.organisation.name})"


class OfferForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices,
                                 help_text=_("One audience per offer: people who share their own "
                                             "experience are safest among their peers."))
    format = forms.ChoiceField(label=_("Format"), choices=Offer.Format.choices)
    duration_minutes = forms.IntegerField(label=_("Duration in minutes"), min_value=60,
                                          max_value=120, initial=90)
    theme = forms.CharField(label=_("Theme"), max_length=200, required=False)
    werkvormen = forms.MultipleChoiceField(label=_("Werkvormen from the toolbox"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    script_opening = forms.CharField(label=_("Opening"), widget=forms.Textarea(attrs={"rows": 3}))
    script_ground_rules = forms.CharField(
        label=_("Ground rules on confidentiality"), widget=forms.Textarea(attrs={"rows": 3}))
    script_closing = forms.CharField(label=pgettext_lazy("workshop script", "Closing"),
                                     widget=forms.Textarea(attrs={"rows": 3}))
    min_participants = forms.IntegerField(label=_("Minimum participants"), initial=4,
                                          min_value=MIN_SEATS_FLOOR, max_value=MAX_SEATS_CEILING)
    max_participants = forms.IntegerField(label=_("Maximum participants"), initial=8,
                                          min_value=MIN_SEATS_FLOOR, max_value=MAX_SEATS_CEILING)

    def __init__(self, *args: Any, werkvormen: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["werkvormen"].choices = werkvormen  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_participants"), data.get("max_participants")
        if low is not None and high is not None and low > high:
            self.add_error("max_participants", _("The maximum cannot be below the minimum."))
        return data


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME_WIDGET,
                                    input_formats=["%Y-%m-%dT%H:%M"])
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")


class MoveForm(SessionForm):
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class DuoForm(forms.Form):
    facilitator_a = forms.TypedChoiceField(label=_("First facilitator"), coerce=int)
    facilitator_b = forms.TypedChoiceField(label=_("Second facilitator"), coerce=int)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, facilitators: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("facilitator_a", "facilitator_b"):
            self.fields[name].choices = facilitators  # type: ignore[attr-defined]


class ReferForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the participant (optional)"), required=False,
        help_text=_("Only when the participant asks for it. Vangnet sends this page once and does "
                    "not keep the address."))


class EvaluationForm(forms.Form):
    useful = forms.TypedChoiceField(label=_("The workshop was useful for my work"),
                                    choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect,
                                    help_text=_("1 = not at all, 5 = very much"))
    safe = forms.TypedChoiceField(label=_("I felt safe to say what I think"),
                                  choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect,
                                  help_text=_("1 = not at all, 5 = very much"))
    facilitation = forms.TypedChoiceField(label=_("The facilitators guided the conversation well"),
                                          choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect,
                                          help_text=_("1 = not at all, 5 = very much"))


class ReflectionForm(forms.Form):
    went_well = forms.CharField(label=_("What went well"), widget=forms.Textarea(attrs={"rows": 3}))
    needed = forms.CharField(label=_("What you needed (for the next training)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class RequestForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Team or MT"), coerce=int)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    wish = forms.CharField(label=_("What you would like"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units  # type: ignore[attr-defined]
