from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SECTION_KEYS, YearlyReview
from .services import REVIEW_CHECKLIST

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Short summary"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    change_note = forms.CharField(label=_("What changed"), max_length=500)
    major_change = forms.BooleanField(
        label=_("This is a major change: ask everyone to acknowledge the code again"),
        required=False)
    document = forms.FileField(
        label=_("Your existing code of conduct (PDF)"), required=False,
        help_text=_("Optional, at most 10 MB. With a PDF the sections below may stay empty; the "
                    "short summary is then required, because it is what members read first."))

    def __init__(self, *args: Any, section_titles: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in SECTION_KEYS:
            self.fields[f"section_{key}"] = forms.CharField(
                label=section_titles[key], required=False, widget=forms.Textarea(attrs={"rows": 6}),
                help_text=_("Separate paragraphs with an empty line."))

    def add_keep_document(self) -> None:
        """When the latest version has a PDF: keep it unless a new one is uploaded."""
        self.fields["keep_document"] = forms.BooleanField(
            label=_("Keep the PDF of the latest version"), required=False, initial=True)
        self.order_fields(["title", "summary", "document", "keep_document"])

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"section_{key}", "") for key in SECTION_KEYS}


class ConsentForm(forms.Form):
    consent_on = forms.DateField(label=_("Date of the works council's consent"), widget=DATE_WIDGET)


class SettingsForm(forms.Form):
    consent_required = forms.BooleanField(
        label=_("A version can only be published after the works council's consent"), required=False)
    public_page = forms.BooleanField(label=_("Show the published code on a public page"),
                                     required=False)
    named_follow_up = forms.BooleanField(
        label=_("Managers may see who in their own team has not acknowledged the code yet"),
        required=False)


class CompareForm(forms.Form):
    old = forms.TypedChoiceField(label=_("Older version"), coerce=int)
    new = forms.TypedChoiceField(label=_("Newer version"), coerce=int)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old"].choices = choices  # type: ignore[attr-defined]
        self.fields["new"].choices = choices  # type: ignore[attr-defined]


class AgreementsForm(forms.Form):
    # An empty required textarea matches :invalid and the theme paints it red before anyone typed;
    # the server checks the field, and the label marks only the optional fields.
    use_required_attribute = False

    texts = forms.CharField(
        label=_("Agreements, one per line"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example: what we do when a joke goes too far, or how we give feedback."))
    made_on = forms.DateField(label=_("Made on"), widget=DATE_WIDGET)

    def lines(self) -> list[str]:
        return [line for line in self.cleaned_data["texts"].splitlines() if line.strip()]


class DiscussionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    about_code = forms.BooleanField(label=_("We discussed the code of conduct"), required=False)
    agreements = forms.TypedMultipleChoiceField(
        label=_("Agreements we discussed"), required=False, coerce=int,
        widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Short note"), max_length=280, required=False,
                           help_text=_("What the team took away. Do not name anyone."))

    def __init__(self, *args: Any, agreements: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreements"].choices = agreements  # type: ignore[attr-defined]


class BuddyForm(forms.Form):
    buddy = forms.TypedChoiceField(label=_("Buddy"), coerce=int)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["buddy"].choices = choices  # type: ignore[attr-defined]


def checklist_labels() -> list[tuple[str, Any]]:
    labels = {
        "inputs_read": _("We read the figures above"),
        "teams_heard": _("We asked the teams what works and what does not"),
        "works_council_heard": _("We asked the works council"),
        "examples_current": _("The examples still fit the work of today"),
    }
    return [(key, labels[key]) for key in REVIEW_CHECKLIST]


class ReviewForm(forms.Form):
    checklist = forms.MultipleChoiceField(label=_("Checklist"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=YearlyReview.Outcome.choices,
                                widget=forms.RadioSelect)
    version = forms.TypedChoiceField(label=_("New version"), coerce=int, required=False,
                                     empty_value=None)
    note = forms.CharField(label=_("Short note"), max_length=500, required=False)

    def __init__(self, *args: Any, versions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checklist"].choices = checklist_labels()  # type: ignore[attr-defined]
        self.fields["version"].choices = [("", "—"), *versions]  # type: ignore[attr-defined]
