from __future__ import annotations

from django.contrib import admin

from .models import Routine, TeamSession, Werkvorm


@admin.register(Werkvorm)
class WerkvormAdmin(admin.ModelAdmin):
    """Read-mostly: built-ins come from the content files (`vangnet load_content`)."""

    list_display = ("title_nl", "slug", "organisation", "kind", "duration_minutes")
    list_filter = ("kind",)
    search_fields = ("title_nl", "title_en", "slug")


@admin.register(TeamSession)
class TeamSessionAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "created_at")


@admin.register(Routine)
class RoutineAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "frequency", "is_active")
