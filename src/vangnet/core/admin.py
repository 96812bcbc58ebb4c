"""The base of every platform-admin page (ADR 0050): writes through the admin are audited.

It lives in core because every app registers its reviewed models with it, and no domain app may
import the login app (`accounts`, ADR 0060); the site itself and its policy stay in
`accounts/platform_admin.py`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .audit import audit_record


class AuditedModelAdmin(admin.ModelAdmin):
    """Every add, change and delete through the platform admin goes into the chained audit log,
    with field names only (Django's own LogEntry stays too, but it is not tamper-evident)."""

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, ...]:
        """The delete confirmation lists only how many of each kind would go, never the related
        objects by name: their names can be e-mail addresses (members, invitations, SSO links)."""
        _deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        summary = [f"{name}: {count}" for name, count in model_count.items()]
        protected_summary = [_("%(count)s protected objects") % {"count": len(protected)}
                             ] if protected else []
        return summary, model_count, perms_needed, protected_summary

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        admin_change_record(request=request, obj=obj, change="add", changed=_field_names(message))
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        admin_change_record(request=request, obj=obj, change="change",
                            changed=_field_names(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            admin_change_record(request=request, obj=obj, change="delete")
        return super().log_deletions(request, queryset)


def admin_change_record(*, request: HttpRequest, obj: models.Model, change: str,
                        changed: list[Any] | None = None) -> None:
    """A write through the platform admin: which object, which fields (names only)."""
    organisation_id = getattr(obj, "organisation_id", None)
    if organisation_id is None and obj._meta.label_lower == "organisations.organisation":
        organisation_id = obj.pk
    audit_record(
        action=f"admin.{change}",
        actor=request.user,
        target=obj,
        organisation_id=organisation_id,
        data={"model": obj._meta.label_lower, "changes": changed or []},
    )


def _field_names(message: Any) -> list[str]:
    """The changed fields' names from Django's change message (never their values)."""
    names: list[str] = []
    for part in message if isinstance(message, list) else []:
        for detail in part.values():
            if isinstance(detail, dict):
                names += [str(name) for name in detail.get("fields", [])]
    return names
