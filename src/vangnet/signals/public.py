"""What other apps may use of signals (ADR 0060): nothing yet — signals sits above every app and
reads them through their declared signal sources (ADR 0090) and public faces."""

from __future__ import annotations

__all__: list[str] = []
