"""`vangnet serve`: the production app server (gunicorn with core/gunicorn_conf.py).

The process becomes gunicorn (exec), so signals from systemd or the container reach it directly.
Options override the environment variables that gunicorn_conf.py reads.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

CONFIG = Path(__file__).resolve().parents[2] / "gunicorn_conf.py"


def gunicorn_argv(*, bind: str = "", workers: int | None = None, threads: int | None = None,
                  check_config: bool = False) -> list[str]:
    argv = [sys.executable, "-m", "gunicorn", "--config", str(CONFIG)]
    if bind:
        argv += ["--bind", bind]
    if workers:
        argv += ["--workers", str(workers)]
    if threads:
        argv += ["--threads", str(threads)]
    if check_config:
        argv.append("--check-config")
    return [*argv, "vangnet.wsgi:application"]


class Command(BaseCommand):
    help = "Run the production app server (gunicorn, configured by vangnet/core/gunicorn_conf.py)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default="", help="host:port (default: VANGNET_BIND or 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, default=None, help="processes (WEB_CONCURRENCY, 2)")
        parser.add_argument("--threads", type=int, default=None, help="threads per process (default 4)")
        parser.add_argument("--check-config", action="store_true", help="Check the configuration and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        argv = gunicorn_argv(bind=options["bind"], workers=options["workers"], threads=options["threads"],
                             check_config=options["check_config"])
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings.base")
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(argv[0], argv)  # noqa: S606 - our own interpreter with fixed arguments
