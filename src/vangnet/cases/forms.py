"""Forms for cases. Validation that needs the law or the workflow lives in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.organisations.public import active_memberships_in, members_with_role

from . import permissions
from .integration import REPORT_PARTS, Category, StepKind
from .models import (
    LEGAL_MAX_ACKNOWLEDGE_DAYS,
    LEGAL_MAX_FEEDBACK_MONTHS,
    AdviceContact,
    AftercareMoment,
    AftercarePlan,
    ConsentRequest,
    LessonAction,
    StandardText,
)
from .parts import PART_LABELS
from .workflow import Outcome, State

NO_NAMES = _("Write no names: this is stored without encryption, like the status.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TransitionForm(forms.Form):
    transition = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300,
                             help_text=NO_NAMES)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", "—"), *Outcome.choices])
    message = forms.CharField(
        label=_("Message to the reporter"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for confirming receipt. Leave empty for the standard text."),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files at once; reporting checks and cleans each one (ADR 0034)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > 5:
            raise forms.ValidationError(_("You can add at most 5 files."))
        if any(upload.size > 5 * 1024 * 1024 for upload in files):
            raise forms.ValidationError(_("A file may be at most 5 MB."))
        return list(files)


class FeedbackForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the reporter"), max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Tell the reporter how things stand and what happens next."),
    )
    attachments = FilesField(
        label=_("Files for the reporter (optional)"), required=False,
        help_text=_("JPEG, PNG or PDF, at most 5 MB each. Encrypted like the report; hidden "
                    "data such as location is removed from photos."))


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Private note"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Encrypted. Only the people who received the report can read it."),
    )


def _people_choices(organisation_id: int) -> Any:
    return (active_memberships_in(organisation_id=organisation_id)
            .select_related("user").order_by("user__full_name", "user__email"))


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        title = f" — {obj.job_title}" if obj.job_title else ""
        return f"{obj.user}{title}"


PICKER_LIMIT = 25  # people shown at once in a recipient picker; a search narrows the rest


def eligible_recipients(*, organisation_id: int, recipient_kind: str,
                        unavailable: frozenset[int]) -> Any:
    """The only people a hand-off of this kind may name: active members who hold the role the
    reporter is asked about, minus everyone involved, their line managers and those who already
    have the report. Nobody else is ever offered, and the service checks the same rule again."""
    role = permissions.ROLE_FOR_RECIPIENT_KIND.get(recipient_kind)
    if role is None:
        return active_memberships_in(organisation_id=organisation_id).none()
    return (members_with_role(organisation_id=organisation_id, role=role)
            .exclude(pk__in=unavailable).prefetch_related("roles")
            .order_by("user__full_name", "user__email"))


def picker_matches(people: Any, query: str) -> list[Any]:
    """At most PICKER_LIMIT of the eligible people whose name, e-mail or job title matches."""
    query = query.strip()[:100]
    if query:
        people = people.filter(Q(user__full_name__icontains=query) | Q(user__email__icontains=query)
                               | Q(job_title__icontains=query))
    return list(people[:PICKER_LIMIT])


class ConsentKindForm(forms.Form):
    """Step 1 of a hand-off: to whom (a role or an external body). Sent with GET."""

    soort = forms.ChoiceField(label=_("Who would receive it"), widget=forms.RadioSelect,
                              choices=ConsentRequest.Recipient.choices)


class ConsentForm(forms.Form):
    """Step 2: the person (only people who hold the chosen role and may see this report), the
    parts and why. For an external body: its name instead of a person."""

    recipient_kind = forms.ChoiceField(widget=forms.HiddenInput,
                                       choices=ConsentRequest.Recipient.choices)
    recipient = PersonChoiceField(
        label=_("Person"), queryset=None, required=False, widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": _(
            "This person does not hold the role you chose, or may not receive this report. "
            "Choose someone from the list.")})
    external_body = forms.CharField(label=_("External body"), max_length=200, required=False,
                                    help_text=_("For example: Huis voor Klokkenluiders."))
    parts = forms.MultipleChoiceField(
        label=_("What would be shared"), widget=forms.CheckboxSelectMultiple,
        choices=[(part, PART_LABELS[part]) for part in REPORT_PARTS],
    )
    purpose = forms.CharField(label=_("Why (the reporter reads this)"), max_length=1000,
                              required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, organisation_id: int, recipient_kind: str,
                 unavailable: frozenset[int] = frozenset(), query: str = "",
                 **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["recipient_kind"] = recipient_kind
        super().__init__(*args, **kwargs)
        self.chosen_kind = recipient_kind
        people = eligible_recipients(organisation_id=organisation_id,
                                     recipient_kind=recipient_kind, unavailable=unavailable)
        field: Any = self.fields["recipient"]
        field.queryset = people
        if recipient_kind == ConsentRequest.Recipient.EXTERNAL:
            del self.fields["recipient"]
            self.fields["external_body"].required = True
        else:
            del self.fields["external_body"]
            field.required = True
            field.label = _("Person (%(role)s)") % {
                "role": ConsentRequest.Recipient(recipient_kind).label}
            # Only the people matching the search are rendered; any eligible person validates.
            self.shown = picker_matches(people, query)
            field.widget.choices = [(p.pk, field.label_from_instance(p)) for p in self.shown]

    def clean_recipient_kind(self) -> str:
        kind = self.cleaned_data["recipient_kind"]
        if kind != self.chosen_kind:
            raise forms.ValidationError(_("Choose who would receive the information again."))
        return kind


class AcuteDangerForm(forms.Form):
    recipient = PersonChoiceField(label=_("Share with"), queryset=None)
    parts = forms.MultipleChoiceField(
        label=_("What to share"), widget=forms.CheckboxSelectMultiple,
        choices=[(part, PART_LABELS[part]) for part in REPORT_PARTS],
    )
    justification = forms.CharField(
        label=_("Justification"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is the danger, to whom, and why can it not wait for consent? "
                    "Encrypted; recorded in the case and the audit log."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the reporter will be told what I shared and with whom."))

    def __init__(self, *args: Any, organisation_id: int,
                 unavailable: frozenset[int] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only people who hold a role a hand-off can go to, and who may see this report.
        roles = list(permissions.ROLE_FOR_RECIPIENT_KIND.values())
        self.fields["recipient"].queryset = (  # type: ignore[attr-defined]
            _people_choices(organisation_id).filter(roles__role__in=roles)
            .exclude(pk__in=unavailable).distinct())


class AftercareMomentForm(forms.Form):
    party = forms.ChoiceField(label=_("For"), choices=AftercarePlan.Party.choices)
    goal = forms.ChoiceField(label=_("Goal"), choices=AftercareMoment.Goal.choices,
                             initial=AftercareMoment.Goal.SUPPORT)
    planned_for = forms.DateField(label=_("Date"), widget=DateInput())
    topic = forms.CharField(label=_("What"), max_length=120, help_text=NO_NAMES)


class AccusedForm(forms.Form):
    heard_at = forms.DateField(label=_("Heard on"), required=False, widget=DateInput(),
                               help_text=_("Write down the hearing itself as a private note."))
    informed_at = forms.DateField(label=_("Informed about the outcome on"), required=False,
                                  widget=DateInput())


class LessonForm(forms.Form):
    text = forms.CharField(
        label=_("Lesson for the organisation"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What could the organisation do differently? No names and nothing that "
                    "points to a person: coordinators read this."),
    )


class CaseCategoriesForm(forms.Form):
    """What the case is about: one or more categories, one of them the main one (ADR 0100)."""

    categories = forms.MultipleChoiceField(
        label=_("Categories"), choices=Category.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one category.")})
    primary = forms.ChoiceField(
        label=_("Main category"), required=False, choices=[("", "—"), *Category.choices],
        help_text=_("Shown first. Leave empty to keep the current one."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("primary") and data["primary"] not in (data.get("categories") or []):
            self.add_error("primary", _("The main category must be one of the chosen ones."))
        return data


class PersonMarkForm(forms.Form):
    person = PersonChoiceField(
        label=_("The report is about"), queryset=None,
        help_text=_("Stored only as a code that only confidential advisors can make. Used to "
                    "notice when several cases concern the same person."),
    )

    def __init__(self, *args: Any, organisation_id: int, query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["person"]
        field.queryset = _people_choices(organisation_id)
        # Never a select box of every member (thousands at a large organisation): a search, and
        # at most PICKER_LIMIT people who match it; any active member validates.
        field.widget = forms.RadioSelect()
        self.shown = picker_matches(field.queryset, query) if query.strip() else []
        field.widget.choices = [(p.pk, field.label_from_instance(p)) for p in self.shown]


class AdviceContactForm(forms.Form):
    contact_date = forms.DateField(label=_("Date"), widget=DateInput())
    category = forms.ChoiceField(label=_("What was it about"), choices=Category.choices)
    channel = forms.ChoiceField(label=_("How"), choices=AdviceContact.Channel.choices)
    route_step = forms.ChoiceField(label=_("Route step discussed"), required=False, choices=[])
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices,
                                initial=Outcome.ADVICE)
    unit = forms.TypedChoiceField(
        label=_("Unit"), required=False, coerce=int, empty_value=None,
        help_text=_("Only counted per unit from the anonymity threshold on, like reports. Leave "
                    "empty when the unit would point to the person."))
    lesson = forms.CharField(
        label=_("Lesson for the organisation"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What could the organisation do differently? No names and nothing that "
                    "points to a person: coordinators read this."))

    def __init__(self, *args: Any, units: list[tuple[int, str]] | None = None,
                 **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("contact_date", timezone.localdate())
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["route_step"].choices = [("", "—"), *StepKind.choices]
        fields["unit"].choices = [("", "—"), *(units or [])]


class LessonActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    owner = forms.CharField(label=_("Who takes it on"), max_length=150, required=False)
    due_date = forms.DateField(label=_("Ready by"), required=False, widget=DateInput())


class LessonActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=LessonAction.Status.choices)


class CaseSettingsForm(forms.Form):
    acknowledge_within_days = forms.IntegerField(
        label=_("Confirm receipt within (days)"), min_value=1,
        help_text=_("For a report of wrongdoing the law allows at most %(n)s days.")
        % {"n": LEGAL_MAX_ACKNOWLEDGE_DAYS})
    feedback_within_months = forms.IntegerField(
        label=_("Give feedback within (months)"), min_value=1,
        help_text=_("For a report of wrongdoing the law allows at most %(n)s months.")
        % {"n": LEGAL_MAX_FEEDBACK_MONTHS})
    checkin_months = forms.CharField(
        label=_("Check-ins after conclusion (months)"), max_length=40,
        help_text=_("Separate with commas, for example 3, 6, 12."))
    retain_case_contents_months = forms.IntegerField(
        label=_("Keep case contents (months after closing)"), min_value=1, max_value=120)
    retain_notes_months = forms.IntegerField(
        label=_("Keep handler notes (months after closing)"), min_value=1, max_value=120)
    retain_advice_contacts_months = forms.IntegerField(
        label=_("Keep advice-only contacts (months)"), min_value=12, max_value=120)

    def clean_checkin_months(self) -> list[int]:
        raw = self.cleaned_data["checkin_months"]
        try:
            return [int(part) for part in raw.replace(";", ",").split(",") if part.strip()]
        except ValueError as error:
            raise forms.ValidationError(_("Use whole numbers separated by commas.")) from error


class YearForm(forms.Form):
    jaar = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class YearlyNarrativeForm(forms.Form):
    observations = forms.CharField(
        label=_("Observations"), required=False, max_length=6000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What stood out this year: themes, places, how people found their way. "
                    "Never anything that points to a person or a single case."))
    recommendations = forms.CharField(
        label=_("Recommendations"), required=False, max_length=6000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What you advise the organisation to do."))


class CaseListFilterForm(forms.Form):
    """Search and filters of the case list (GET, Dutch parameter names like the rest)."""

    zoek = forms.CharField(label=_("Case reference"), required=False, max_length=20,
                           help_text=_("For example 2026-AB12C."))
    status = forms.ChoiceField(label=_("Status"), required=False)
    categorie = forms.ChoiceField(label=_("About"), required=False)
    afdeling = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int,
                                      empty_value=None)
    behandelaar = forms.TypedChoiceField(label=_("Handler"), required=False, coerce=int,
                                         empty_value=None)
    sorteer = forms.ChoiceField(label=_("Order"), required=False, choices=[
        ("", _("Most urgent first")), ("newest", _("Newest first")),
        ("oldest", _("Oldest first"))])

    def __init__(self, *args: Any, units: list[tuple[int, str]],
                 handlers: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["status"].choices = [("", _("Any status")), *State.choices]
        fields["categorie"].choices = [("", _("Any category")), *Category.choices]
        fields["afdeling"].choices = [("", _("Any unit")), *units]
        fields["behandelaar"].choices = [("", _("Any handler")), *(handlers or [])]


class StandardTextForm(forms.Form):
    kind = forms.ChoiceField(label=_("For"), choices=StandardText.Kind.choices)
    title = forms.CharField(label=_("Title (only handlers see it)"), max_length=80)
    body = forms.CharField(
        label=_("Text for the reporter"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("No names. Placeholders: {kenmerk}, {organisatie}, {behandelaar}, "
                    "{terugkoppeling_voor}."))


class DossierConsentForm(forms.Form):
    """Dossier export, step 1: for whom (a recipient the reporter agreed to share with)."""

    toestemming = forms.ChoiceField(
        label=_("Recipient"), widget=forms.RadioSelect,
        error_messages={"required": _("Choose for whom the dossier is."),
                        "invalid_choice": _("Choose a recipient the reporter has agreed to "
                                            "share with.")})

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["toestemming"]
        field.choices = choices


class DossierRedactForm(forms.Form):
    """Dossier export, step 2: per consented part, the passages to leave out. The choices carry
    passage names (``narrative:3``), never text: the text is only the label on the page."""

    def __init__(self, *args: Any, sections: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for section in sections:
            self.fields[f"redact_{section.part}"] = forms.MultipleChoiceField(
                label=_("Leave out of “%(part)s”") % {"part": PART_LABELS.get(section.part,
                                                                                 section.part)},
                required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(p.key, p.text) for p in section.passages],
                error_messages={"invalid_choice": _(
                    "A passage you marked is no longer in the report. Mark the passages again.")})

    def redacted(self) -> list[str]:
        return [key for name, keys in self.cleaned_data.items() if name.startswith("redact_")
                for key in keys]
