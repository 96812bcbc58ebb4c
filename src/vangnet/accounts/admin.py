"""Platform admin pages of the accounts app (the site and its policy: platform_admin.py).

People are managed by their organisation's coordinator, and log in through allauth. The platform
admin sees who has an account and who is a platform admin, but not their e-mail addresses, and
can change nothing here: an admin who could set an address or a password could take an account
over (issue #10). SSO apps are registered by `apply_platform_admin_policy`, after allauth's own
registration, with a client secret that is write-only.
"""

from __future__ import annotations

from typing import Any

from allauth.socialaccount import providers
from allauth.socialaccount.models import SocialApp
from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vangnet.core.admin import AuditedModelAdmin

from .models import User


@admin.register(User)
class UserAdmin(AuditedModelAdmin):
    list_display = ("display_name", "is_active", "is_superuser", "last_login")
    list_filter = ("is_active", "is_superuser")
    search_fields = ("full_name",)
    fields = ("display_name", "is_active", "is_superuser", "last_login", "date_joined")
    readonly_fields = fields
    ordering = ("full_name", "pk")

    @admin.display(description=_("name"))
    def display_name(self, user: User) -> str:
        # Never the e-mail address, which is what User.__str__ falls back to.
        return user.full_name or _("account %(number)s") % {"number": user.pk}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SocialAppForm(forms.ModelForm):
    """The client secret can be set or replaced, never read back: the field starts empty and an
    empty field keeps the stored secret."""

    secret = forms.CharField(
        label=_("client secret"), required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored, never shown again. Leave empty to keep the current secret."),
    )

    class Meta:
        model = SocialApp
        fields = ("provider", "provider_id", "name", "client_id", "secret", "settings")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"] = forms.ChoiceField(
            label=_("provider"), choices=providers.registry.as_choices()
        )
        self._stored_secret = self.instance.secret if self.instance.pk else ""
        self.initial["secret"] = ""

    def clean_secret(self) -> str:
        secret = str(self.cleaned_data.get("secret") or "")
        if not secret and not self._stored_secret:
            raise forms.ValidationError(_("Enter the client secret."))
        return secret or self._stored_secret


class SocialAppAdmin(AuditedModelAdmin):
    form = SocialAppForm
    list_display = ("name", "provider", "provider_id")
    search_fields = ("name", "provider_id")
