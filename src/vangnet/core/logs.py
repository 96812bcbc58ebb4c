"""Structured logs (LOG_FORMAT=json): one JSON object per line, without personal data.

What a record may carry: time, level, logger, the message, the exception's class and where it was
raised (file, line, function). What it never carries (ADR 0004): client addresses, user agents, the
request itself, the exception's message or any extra attribute a caller attached (a request, a
form, a report) — those can hold what a reporter wrote. IP addresses that slip into a message are
replaced as a last line of defence.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from datetime import UTC, datetime

# IPv4, and IPv6 with at least two colons between hex groups (not a time like 12:30:45).
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{1,4}(?![\w:])")
_TIME_LIKE = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
ADDRESS = "[address]"
# Attributes of every LogRecord; anything else was attached by the caller and is left out.
_ALLOWED_EXTRA = {"status_code", "task_path", "task_id", "job", "organisation_id", "count"}


def scrub(text: str) -> str:
    text = _IPV4.sub(ADDRESS, text)
    return _IPV6.sub(lambda match: match.group(0) if _TIME_LIKE.match(match.group(0)) else ADDRESS, text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        payload: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(message),
            "process": record.process,
        }
        for key in _ALLOWED_EXTRA:
            value = record.__dict__.get(key)
            if isinstance(value, (int, str)) and not isinstance(value, bool):
                payload[key] = scrub(value) if isinstance(value, str) else value
        if record.exc_info and record.exc_info[0] is not None:
            kind, _error, trace = record.exc_info
            payload["exception"] = f"{kind.__module__}.{kind.__qualname__}"
            payload["stack"] = [f"{frame.filename}:{frame.lineno} {frame.name}"
                                for frame in traceback.extract_tb(trace)]
        return json.dumps(payload, ensure_ascii=False)


def logging_config(*, fmt: str, level: str) -> dict[str, object]:
    """Django's LOGGING for LOG_FORMAT `plain` (default) or `json`."""
    formatter = ({"()": "vangnet.core.logs.JsonFormatter"} if fmt == "json"
                 else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"})
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "default"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Request logs carry paths and client addresses; they are not needed to run the product.
            "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
            "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        },
    }


def gunicorn_logconfig(*, fmt: str, level: str) -> dict[str, object] | None:
    """gunicorn's own error log in the same format; None keeps gunicorn's default (plain)."""
    if fmt != "json":
        return None
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "vangnet.core.logs.JsonFormatter"}},
        "handlers": {"error_console": {"class": "logging.StreamHandler", "formatter": "json",
                                       "stream": "ext://sys.stderr"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["error_console"], "level": level.upper(), "propagate": False},
            "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
        "root": {"handlers": ["error_console"], "level": level.upper()},
    }
