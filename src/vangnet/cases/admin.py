"""The platform admin sees no case data at all: only each organisation's terms and retention
(configuration, no content). Cases, notes, consents, marks and keys are deliberately absent."""

from __future__ import annotations

from django.contrib import admin

from vangnet.core.admin import AuditedModelAdmin

from .models import CaseSettings


@admin.register(CaseSettings)
class CaseSettingsAdmin(AuditedModelAdmin):
    list_display = ("organisation", "acknowledge_within_days", "feedback_within_months",
                    "retain_case_contents_months")
