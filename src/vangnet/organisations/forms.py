from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from .images import clean_logo
from .models import Membership, Organisation, Unit
from .roles import Role


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Unit.Kind.choices)
    parent = forms.ModelChoiceField(label=_("Part of"), queryset=Unit.objects.none(), required=False)
    code = forms.CharField(label=_("Code"), max_length=60, required=False,
                           help_text=_("Your own code, used by imports."))
    managers = forms.ModelMultipleChoiceField(
        label=_("Managers"), queryset=Membership.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisation_id: int, unit: Unit | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Unit.objects.filter(organisation_id=organisation_id)
        if unit is not None:
            parents = parents.exclude(pk=unit.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["managers"].queryset = (  # type: ignore[attr-defined]
            Membership.objects.filter(organisation_id=organisation_id, is_active=True,
                                      roles__role=Role.MANAGER)
            .select_related("user").distinct()
        )


class PersonForm(forms.Form):
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=Role.choices,
                                      widget=forms.CheckboxSelectMultiple)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    is_external = forms.BooleanField(label=_("External (for example an external confidential advisor)"),
                                     required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            organisation_id=organisation_id
        )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=Role.choices, initial=[Role.EMPLOYEE],
                                      widget=forms.CheckboxSelectMultiple)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            organisation_id=organisation_id
        )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput,
                                help_text=_("At least 10 characters."))
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        elif data.get("password1"):
            try:
                validate_password(data["password1"])
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class BrandingForm(forms.ModelForm):
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = Organisation
        fields = ["name", "primary_colour", "logo"]
        widgets = {"primary_colour": forms.TextInput(attrs={"type": "color"})}

    def clean_logo(self) -> Any:

        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            # Checked and re-encoded here so that errors show next to the field.
            return clean_logo(logo, name_hint=self.instance.slug or "logo")
        return logo


class ImportForm(forms.Form):
    csv_file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: type (unit or person), code, name, parent_code, email, roles, unit_code, job_title."
        ),
    )

    def clean_csv_file(self) -> str:
        upload = self.cleaned_data["csv_file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file may be at most 10 MB."))
        raw = upload.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError(_("This file cannot be read as text. Save it as CSV (UTF-8)."))
