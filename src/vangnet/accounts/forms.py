from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SsoEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Your work e-mail address"),
        help_text=_("We use it only to find your organisation's login page."),
    )
