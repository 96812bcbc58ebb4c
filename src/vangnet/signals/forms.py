from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class HRImportForm(forms.Form):
    csv_file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: kwartaal, afdeling, bezetting, verzuim, ziekmeldingen, uitstroom, "
                    "exitthemas (optional). One row per unit per quarter."))

    def clean_csv_file(self) -> str:
        upload = self.cleaned_data["csv_file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file may be at most 5 MB."))
        raw = upload.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return str(raw.decode(encoding))
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError(_("This file cannot be read as text. Save it as CSV (UTF-8)."))


class AlertActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    description = forms.CharField(label=_("What we will do"), widget=forms.Textarea(attrs={"rows": 4}),
                                  required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, empty_value=None, required=False)
    due_date = forms.DateField(label=_("Due date"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, owners: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].choices = [("", _("Nobody yet")), *owners]  # type: ignore[attr-defined]
