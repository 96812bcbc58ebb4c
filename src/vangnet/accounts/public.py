"""What the rest of the project may use of accounts (ADR 0060). No domain app imports accounts
(an import contract says so); only the project's URL configuration mounts its SSO start page."""

from __future__ import annotations

from .views import sso_start

__all__ = ["sso_start"]
