"""Platform admin: organisations and their single sign-on.

The platform admin configures each organisation's identity provider as an allauth SocialApp
(provider "OpenID Connect", a unique provider id, client id, secret and `{"server_url": ...}` in
settings) and links it here with the e-mail domains it may log in. People and roles are managed by
the organisation's own coordinator, not here.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from vangnet.core.admin import AuditedModelAdmin

from .models import Agency, AgencyAdvisor, Organisation


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ("name", "slug", "sso_app", "sso_email_domains", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "primary_colour", "logo", "sso_app", "sso_email_domains")
    list_select_related = ("sso_app",)

    def has_delete_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        # Deleting an organisation would destroy its reports and cases in one click; leaving the
        # platform is a designed process (retention, export), not an admin action.
        return False


class AgencyAdvisorInline(admin.TabularInline):
    model = AgencyAdvisor
    extra = 1
    raw_id_fields = ("user",)


@admin.register(Agency)
class AgencyAdvisorsAdmin(AuditedModelAdmin):
    """An agency of external advisors and its advisors (accounts). Connecting a client is the
    client's coordinator's step (People and roles → Agencies), never the platform admin's."""

    list_display = ("name", "created_at")
    search_fields = ("name",)
    inlines = (AgencyAdvisorInline,)
