"""gunicorn's configuration for Vangnet: `vangnet serve` and the container use this file.

Everything comes from the environment, like the settings:

- `VANGNET_BIND` (default `127.0.0.1:8000`; the container sets `0.0.0.0:8000`);
- `WEB_CONCURRENCY` worker processes (default 2 with `REDIS_URL`, else 1); more than one needs
  `REDIS_URL` (production refuses otherwise: every process would count the rate limits on its own);
- `GUNICORN_THREADS` threads per worker (default 4), `GUNICORN_TIMEOUT` seconds (default 60: a PDF
  export or a report with five attachments is the slowest request);
- `GUNICORN_MAX_REQUESTS` (default 2000, with jitter) restarts a worker now and then.

There is no access log: it would hold client addresses and paths (ADR 0004). The reverse proxy in
front sets X-Forwarded-For; Vangnet reads it itself with TRUSTED_PROXY_COUNT (core.client), so
gunicorn's own forwarded handling only concerns the scheme.
"""

from __future__ import annotations

import os

from vangnet.core.logs import gunicorn_logconfig


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


wsgi_app = "vangnet.wsgi:application"
bind = [item.strip() for item in os.environ.get("VANGNET_BIND", "127.0.0.1:8000").split(",") if item.strip()]
# Without Redis only one process may serve (the throttles count in its memory): default 1 then.
workers = _int("WEB_CONCURRENCY", 2 if os.environ.get("REDIS_URL") else 1)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Reports up to 36 MB come in as request bodies; the proxy limits the size (docs/operations.md).
limit_request_line = 8190
# No access log (ADR 0004); errors go to stderr, without request details.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# LOG_FORMAT=json: gunicorn's own messages as JSON too, like Django's (core.logs).
logconfig_dict = gunicorn_logconfig(fmt=os.environ.get("LOG_FORMAT", "plain").strip().lower(),
                                    level=loglevel) or {}
# Only the proxy in front may say the request came in over HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
proxy_protocol = False
# Load the application in each worker, so that a worker's database connections are its own.
preload_app = False
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None
