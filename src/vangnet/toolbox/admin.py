"""Platform admin: only the exercises (product content). Teams' sessions and routines are the
organisation's own data, managed in the product; the platform admin has no use for them."""

from __future__ import annotations

from django.contrib import admin

from vangnet.core.admin import AuditedModelAdmin

from .models import Werkvorm


@admin.register(Werkvorm)
class WerkvormAdmin(AuditedModelAdmin):
    """Read-mostly: built-ins come from the content files (`vangnet load_content`)."""

    list_display = ("title_nl", "slug", "organisation", "kind", "duration_minutes")
    list_filter = ("kind",)
    search_fields = ("title_nl", "title_en", "slug")
