from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from vangnet.organisations.public import units_in

from .attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from .categories import Category, DiscriminationGround, ordered_categories
from .models import Report
from .route import (
    default_recipient,
    involvable_people,
    recipient_choices,
    recipient_role_label,
    route_config_for,
)

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Organisation, Unit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("You can add at most 5 files."))
        for upload in files:
            if upload.size > MAX_ATTACHMENT_BYTES:
                raise forms.ValidationError(_("A file may be at most 5 MB."))
        return list(files)


MODE_CHOICES = [
    (Report.Mode.ANONYMOUS, _("Anonymous: nobody learns who I am, not even the recipient.")),
    (Report.Mode.CONFIDENTIAL, _("Confidential: only the recipient knows who I am.")),
    (Report.Mode.OPEN, _("Open: my name may be used when the report is followed up.")),
]


class ReportForm(forms.Form):
    # No `required` attribute: browsers paint an empty required field red (:invalid) before anyone
    # typed. The field says "(optional)" where it is, and is marked aria-required where it is not.
    use_required_attribute = False

    recipient = forms.ChoiceField(
        label=_("Who should receive your report?"), required=False,
    )
    mode = forms.ChoiceField(label=_("How do you want to be known?"), choices=MODE_CHOICES,
                             widget=forms.RadioSelect, initial=Report.Mode.ANONYMOUS)
    # Several may apply (sexual harassment and discrimination, for example): the first one ticked
    # is the primary category, the others are kept too (docs/adr/0100).
    category = forms.MultipleChoiceField(
        label=_("What is it about?"), choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick everything that applies."),
        error_messages={"required": _("Choose what it is about.")})
    discrimination_ground = forms.ChoiceField(
        label=_("If it is discrimination: on what ground?"), required=False,
        choices=[("", _("Not applicable")), *list(DiscriminationGround.choices)],
    )
    is_whistleblowing = forms.BooleanField(
        label=_("I suspect wrongdoing that affects the public interest (for example fraud or danger "
                "to public health)"), required=False,
    )
    narrative = forms.CharField(
        label=_("What happened?"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Describe the facts: what was said or done. You can add more later."),
    )
    when = forms.CharField(label=_("When did it happen?"), max_length=500, required=False,
                           help_text=_("A date, or for example 'every week since March'."))
    where = forms.CharField(label=_("Where did it happen?"), max_length=500, required=False)
    involved_people = forms.MultipleChoiceField(
        label=_("Is one of these people involved?"), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only managers and people who can receive reports are listed. We use this to "
                    "make sure your report never reaches someone who is involved."),
    )
    involved = forms.CharField(
        label=_("Who was involved?"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Names or roles. This text is only readable by the recipient."),
    )
    witnesses = forms.CharField(label=_("Were there witnesses?"), max_length=2000, required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    impact = forms.CharField(label=_("What does it do to you?"), max_length=5000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    wishes = forms.CharField(label=_("What would you like to happen?"), max_length=5000,
                             required=False, widget=forms.Textarea(attrs={"rows": 3}))
    unit = forms.ChoiceField(label=_("Your department or team"), required=False)
    identity = forms.CharField(
        label=_("Your name"), max_length=300, required=False,
        help_text=_("Only for a confidential or open report. Leave empty when you report anonymously."),
    )
    contact = forms.CharField(
        label=_("How can the recipient reach you?"), max_length=500, required=False,
        help_text=_("Only for a confidential or open report, for example a private phone number."),
    )
    notify_email = forms.EmailField(
        label=_("E-mail address for notices"), required=False,
        help_text=_("We only send 'there is a new message', never content. Use a private address, "
                    "not your work address."),
    )
    attachments = MultipleFileField(
        label=_("Files"), required=False,
        help_text=_("At most 5 files of 5 MB: JPEG, PNG or PDF. We remove hidden information such as "
                    "location from photos. A PDF can still contain your name as author: check it "
                    "before you add it."),
    )

    def __init__(self, *args: Any, organisation: Organisation, excluded: set[int] | None = None,
                 involvable: list[Membership] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        # The written account may be empty when the reporter recorded it (reporting.js puts the
        # recording in the form's "voice" file only when the form is sent).
        fields_: Any = self.fields
        fields_["narrative"].required = self.voice_upload() is None
        # Each list is read once per request; the objects behind the choices are kept, so that
        # the chosen recipient, the named people and the unit need no second query.
        people = recipient_choices(organisation=organisation, excluded=excluded)
        self.available = [p for p in people if p.available]
        self._recipients = {p.membership.pk: p.membership for p in self.available}
        self._involvable = {m.pk: m for m in (involvable if involvable is not None
                                              else involvable_people(organisation=organisation))}
        self._units = {u.pk: u for u in units_in(organisation_id=organisation.pk).order_by("name")}
        fields: Any = self.fields
        # The default recipient is named in the first choice and the help text (`name_default`):
        # on the page, not while a posted form is checked (no query when a reporter chose someone
        # and the report is sent).
        self._excluded = excluded or set()
        self._default: tuple[Membership | None] | None = None
        default_label = str(_("The default recipient"))
        fields["recipient"].choices = [("", default_label)] + [
            (str(pk), _person_label(m)) for pk, m in self._recipients.items()
        ]
        fields["involved_people"].choices = [
            (str(pk), _person_label(m)) for pk, m in self._involvable.items()
        ]
        fields["unit"].choices = [("", _("I'd rather not say"))] + [
            (str(pk), u.name) for pk, u in self._units.items()
        ]
        if not self.is_bound:
            self.name_default()

    def name_default(self) -> None:
        """Name the actual default recipient and their role in the first choice and the help text."""
        fields: Any = self.fields
        choices = list(fields["recipient"].choices)
        choices[0] = ("", self._default_label())
        fields["recipient"].choices = choices
        fields["recipient"].help_text = self._default_help()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        voice = self.voice_upload()
        if voice is not None and voice.size > MAX_ATTACHMENT_BYTES:
            self.add_error(None, _("A recording may be at most 5 MB (about 15 minutes). Record a "
                                   "shorter one."))
        if data.get("mode") in (Report.Mode.CONFIDENTIAL, Report.Mode.OPEN) and not data.get("identity"):
            self.add_error("identity", _("Fill in your name, so the recipient knows who you are."))
        return data

    @property
    def default_recipient(self) -> Membership | None:
        """The person a report without a chosen recipient goes to, as `route.default_recipient`
        says, from the lists already read (one query for the route; more only when the route's
        default is not among the listed people)."""
        if self._default is None:
            route = route_config_for(organisation=self.organisation)
            wanted = route.default_recipient_id if route is not None else None
            if wanted and wanted not in self._excluded:
                found = self._recipients.get(wanted) or default_recipient(
                    organisation=self.organisation, excluded=self._excluded)
            else:
                found = self.available[0].membership if self.available else None
            self._default = (found,)
        return self._default[0]

    def _who(self) -> dict[str, str] | None:
        default = self.default_recipient
        if default is None:
            return None
        return {"name": default.user.full_name or default.user.email, "role": recipient_role_label(default)}

    def _default_label(self) -> str:
        who = self._who()
        if who is None:
            return str(_("The default recipient"))
        if who["role"]:
            return str(_("%(name)s, %(role)s (the default recipient)") % who)
        return str(_("%(name)s (the default recipient)") % who)

    def _default_help(self) -> str:
        who = self._who()
        if who is None:
            return ""
        return str(_("Not sure? Leave the first option: your report then goes to %(name)s (%(role)s). "
                     "Someone you name as involved never receives it.") % who)

    def voice_upload(self) -> Any:
        return self.files.get("voice") if self.is_bound and self.files else None

    def categories(self) -> list[str]:
        """The ticked categories, primary first (the first one in the list's order)."""
        return ordered_categories(list(self.cleaned_data.get("category") or []))

    # The choice fields accept only offered keys, so each lookup finds the object it offered.
    def recipient_membership(self) -> Membership | None:
        pk = self.cleaned_data.get("recipient")
        return self._recipients.get(int(pk)) if pk else None

    def involved_memberships(self) -> list[Membership]:
        return [self._involvable[int(pk)] for pk in self.cleaned_data.get("involved_people") or []]

    def unit_object(self) -> Unit | None:
        pk = self.cleaned_data.get("unit")
        return self._units.get(int(pk)) if pk else None


def _person_label(member: Membership) -> str:
    name = member.user.full_name or member.user.email
    return f"{name} ({member.job_title})" if member.job_title else name


class ReceiptForm(forms.Form):
    use_required_attribute = False

    code = forms.CharField(
        label=_("Your receipt code"), max_length=40,
        help_text=_("The 16 digits you got when you made your report. Spaces are fine."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class ReplyForm(forms.Form):
    use_required_attribute = False

    body = forms.CharField(label=_("Your message"), max_length=20000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(label=_("Files"), required=False,
                                    help_text=_("At most 5 files of 5 MB: JPEG, PNG or PDF."))


class HandlerReplyForm(forms.Form):
    body = forms.CharField(label=_("Message to the reporter"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 4}))


class AddRecipientForm(forms.Form):
    membership = forms.ChoiceField(
        label=_("Add a colleague confidential advisor"),
        help_text=_("An internal or external colleague advisor, so the report stays readable "
                    "when you are away. The reporter is told. People involved in the report are "
                    "not listed. HR, the complaints committee or a manager only get what the "
                    "reporter agrees to: ask for consent on the case page."),
    )


class UnlockForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))


class KeyPassphraseForm(forms.Form):
    """For people who log in with single sign-on: they have no Vangnet password, so they choose a
    separate passphrase that protects their key."""

    password = forms.CharField(
        label=_("Choose a passphrase for your key"), min_length=12,
        help_text=_("At least 12 characters. You log in with your organisation's account, so this "
                    "passphrase only protects your reports."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(label=_("The same passphrase again"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passphrases are not the same."))
        return data


class RecoverForm(forms.Form):
    recovery_key = forms.CharField(label=_("Your recovery key"), max_length=100)
    password = forms.CharField(label=_("Your current password"), widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))


class OralReportForm(forms.Form):
    mode = forms.ChoiceField(label=_("How does the reporter want to be known?"), choices=MODE_CHOICES,
                             widget=forms.RadioSelect, initial=Report.Mode.CONFIDENTIAL)
    category = forms.ChoiceField(label=_("What is it about?"), choices=Category.choices)
    is_whistleblowing = forms.BooleanField(label=_("Wrongdoing in the public interest"), required=False)
    narrative = forms.CharField(label=_("Minutes of the conversation"), max_length=20000,
                                widget=forms.Textarea(attrs={"rows": 8}))
    when = forms.CharField(label=_("When did it happen?"), max_length=500, required=False)
    where = forms.CharField(label=_("Where did it happen?"), max_length=500, required=False)
    involved = forms.CharField(label=_("Who was involved?"), max_length=2000, required=False)
    witnesses = forms.CharField(label=_("Witnesses"), max_length=2000, required=False)
    wishes = forms.CharField(label=_("What the reporter would like"), max_length=5000, required=False)
    identity = forms.CharField(label=_("Name of the reporter"), max_length=300, required=False)
    contact = forms.CharField(label=_("How to reach the reporter"), max_length=500, required=False)


class ProfileForm(forms.Form):
    introduction = forms.CharField(label=_("Short introduction"), max_length=2000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    how_to_reach = forms.CharField(label=_("How to reach me"), max_length=1000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    availability = forms.CharField(label=_("When I can be reached"), max_length=300, required=False)
    is_listed = forms.BooleanField(label=_("Show me on the public page"), required=False, initial=True)
    photo = forms.ImageField(label=_("Photo"), required=False)


COMPLAINTS_PROCEDURE_MAX_BYTES = 5 * 1024 * 1024


class RouteForm(forms.Form):
    introduction = forms.CharField(label=_("Introduction on the public page"), max_length=3000,
                                   required=False, widget=forms.Textarea(attrs={"rows": 3}))
    complaints_procedure_text = forms.CharField(
        label=_("Complaints procedure"), max_length=20000, required=False,
        widget=forms.Textarea(attrs={"rows": 6}))
    complaints_procedure_file = forms.FileField(label=_("Complaints procedure (PDF)"), required=False)
    remove_complaints_procedure_file = forms.BooleanField(
        label=_("Remove the current document"), required=False)
    default_recipient = forms.ChoiceField(
        label=_("Default recipient of reports"), required=False,
        help_text=_("Who receives a report when the reporter does not choose someone."))

    def clean_complaints_procedure_file(self) -> Any:
        """Only a real PDF of reasonable size: it is offered for download on a public page."""
        upload = self.cleaned_data.get("complaints_procedure_file")
        if not upload:
            return upload
        if upload.size > COMPLAINTS_PROCEDURE_MAX_BYTES:
            raise forms.ValidationError(_("The complaints procedure may be at most 5 MB."))
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(
                _("This file is not a PDF. Save the complaints procedure as PDF and try again.")
            )
        return upload


class RouteStepForm(forms.Form):
    """One step of the route. Rendered once per step kind, with the kind as prefix."""

    position = forms.IntegerField(label=_("Place on the route"), min_value=1, max_value=20,
                                  widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    is_enabled = forms.BooleanField(label=_("Show this step"), required=False)
    title = forms.CharField(label=_("Title"), max_length=150, required=False,
                            help_text=_("Leave empty to use the standard title."))
    description = forms.CharField(
        label=_("What happens at this step"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty to use the standard text."))
    external_bodies = forms.MultipleChoiceField(
        label=_("Organisations shown"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, data: Any = None, *, kind: str, label: str,
                 body_choices: list[tuple[str, str]], initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, prefix=f"step-{kind}", initial=initial)
        self.kind, self.label = kind, label
        fields: Any = self.fields
        if body_choices:
            fields["external_bodies"].choices = body_choices
        else:
            del self.fields["external_bodies"]


class RouteContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    description = forms.CharField(label=_("What they can do for you"), max_length=500, required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)
    url = forms.URLField(label=_("Website"), max_length=300, required=False, assume_scheme="https")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name") and any(data.get(k) for k in ("description", "phone", "url")):
            self.add_error("name", _("Fill in the name of this contact."))
        return data


RouteContactFormSet = forms.formset_factory(
    RouteContactForm, extra=2, can_delete=True, max_num=10, validate_max=True, absolute_max=10)


class RecoveryCreateForm(forms.Form):
    confirm = forms.BooleanField(label=_("I will keep the recovery key offline, for example printed "
                                         "in a safe"))


class RecoveryRequestForm(forms.Form):
    """The coordinator asks to give the reports that wait for a successor to someone."""

    successor = forms.ChoiceField(
        label=_("Successor"),
        help_text=_("A confidential advisor, HR officer or complaints committee member who has "
                    "unlocked their reports once. Each report only goes to someone with the role "
                    "its reporter chose, and never to someone involved in it."),
    )
    reason = forms.CharField(
        label=_("Why"), max_length=300, min_length=10,
        help_text=_("For example: our confidential advisor left on 1 March. Nothing from a report."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RecoveryCarryOutForm(forms.Form):
    recovery_key = forms.CharField(
        label=_("Organisation recovery key"), max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class UnavailableForm(forms.Form):
    membership = forms.ChoiceField(label=_("Person"))
    reason = forms.CharField(
        label=_("Why"), max_length=300, min_length=10,
        help_text=_("For example: on long-term sick leave since 1 March. The person gets an e-mail."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CallbackForm(forms.Form):
    """"I want to talk to someone before I report" (issue 12)."""

    use_required_attribute = False

    recipient = forms.ChoiceField(label=_("Who would you like to talk to?"), required=False)
    slot = forms.ChoiceField(label=_("Pick a time"), required=False, widget=forms.RadioSelect,
                             help_text=_("Times the advisor offered. Or leave this and say below "
                                         "when suits you."))
    category = forms.ChoiceField(label=_("What is it about?"), choices=Category.choices,
                                 initial=Category.OVERIG)
    how_to_reach = forms.CharField(
        label=_("How can we reach you?"), max_length=500,
        help_text=_("For example a private phone number. Only the person you choose can read it."),
    )
    when = forms.CharField(label=_("When suits you?"), max_length=500, required=False,
                           help_text=_("For example: weekdays after 17:00."))
    name = forms.CharField(label=_("What may we call you?"), max_length=300, required=False,
                           help_text=_("A first name is enough. You may also leave it empty."))

    def __init__(self, *args: Any, organisation: Organisation, slots: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        people = [p for p in recipient_choices(organisation=organisation) if p.available]
        self.people = {str(p.membership.pk): p.membership for p in people}
        self.slots = {str(s.pk): s for s in slots}
        fields: Any = self.fields
        fields["recipient"].choices = [("", _("Whoever is available first"))] + [
            (pk, f"{_person_label(m)}, {recipient_role_label(m)}") for pk, m in self.people.items()]
        if slots:
            fields["slot"].choices = [("", _("No fixed time"))] + [
                (str(s.pk), f"{date_format(timezone.localtime(s.starts_at), 'l j F H:i')} · "
                            f"{s.advisor.user.full_name or s.advisor.user.email}") for s in slots]
        else:
            del self.fields["slot"]

    def recipient_membership(self) -> Membership | None:
        return self.people.get(self.cleaned_data.get("recipient") or "")

    def slot_object(self) -> Any:
        return self.slots.get(self.cleaned_data.get("slot") or "")


class CallbackSlotForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time"), input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
