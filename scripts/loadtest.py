"""Load test: the production topology on 127.0.0.1, and the SQLite demo, under a crowd of reporters.

    .venv/bin/python scripts/loadtest.py                    # both set-ups, one table each
    .venv/bin/python scripts/loadtest.py --setup postgres   # 2 gunicorn + 2 workers, PostgreSQL, Redis
    .venv/bin/python scripts/loadtest.py --setup sqlite     # the demo: runserver + 1 worker on SQLite

What runs (nothing is mocked; every process is the real command):
- postgres: `vangnet serve` (gunicorn, 2 processes x 4 threads), two `vangnet db_worker`, a fresh
  PostgreSQL database (vn_prod_loadtest) and Redis (database 11, its own key prefix, only its own
  keys are deleted afterwards). Production Argon2id cost (VANGNET_CRYPTO_FAST is off).
- sqlite: what `make demo` runs: `vangnet runserver` and one `vangnet db_worker` writing the same
  SQLite file at once, in-memory cache.

The crowd: every virtual reporter sends from its own loopback address (127.0.0.2, 127.0.0.3, ...;
TRUSTED_PROXY_COUNT=0, so the server sees the real source), so the per-source submission limit
(VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR=20) stays on and is never reached. The mix:
public pages (route, guide, form), reports through the web form (CSRF, one-time token, receipt page)
and through the API, and reporters coming back with their receipt code (web and API).

Printed: throughput, p50/p95 per kind, errors (non-2xx/3xx answers or failures), reports accepted
(receipt codes handed out) vs reports stored (rows in the database), tasks left or failed, and the
result of a scan of every process's log (LOG_FORMAT=json) for client addresses, the user agent and
report content, and for "database is locked". Exit status 1 when any of those is not clean.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import http.cookiejar
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VANGNET = [sys.executable, "-m", "vangnet"]
SLUG = "gemeente-zonnedal"  # the demo organisation (vangnet seed_demo)
AGENT = "Vangnet-Loadtest/1.0 (marker-agent)"
MARKER = "loadtest-inhoud-marker"  # in every report's text; must never appear in a log
PG_URL = "postgres://postgres@127.0.0.1:5432/vn_prod_loadtest"
REDIS_DB = 11


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if not ok:
                self.errors[kind] += 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{kind}: {detail}"[:300])


class SourceHandler(urllib.request.HTTPHandler):
    """Connects from one loopback address: one reporter of the crowd."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def http_open(self, req: Any) -> Any:
        return self.do_open(
            functools.partial(http.client.HTTPConnection, source_address=(self.source, 0)), req
        )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Reporter:
    def __init__(self, base: str, source: str, results: Results) -> None:
        self.base = base
        self.results = results
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            SourceHandler(source), urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> tuple[int, str, dict[str, str]]:
        data = None
        all_headers = {"User-Agent": AGENT, **(headers or {})}
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=all_headers)  # noqa: S310
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=120) as response:
                status, text, response_headers = (
                    response.status,
                    response.read().decode(),
                    dict(response.headers),
                )
        except urllib.error.HTTPError as error:
            status, text, response_headers = (
                error.code,
                error.read().decode(errors="replace"),
                dict(error.headers),
            )
        except OSError as error:
            self.results.record(
                kind, time.perf_counter() - started, False, f"{type(error).__name__}: {error}"
            )
            return 0, "", {}
        ok = status in expect
        self.results.record(kind, time.perf_counter() - started, ok, f"{method} {path} -> {status}")
        return status, text, response_headers

    def pages(self) -> None:
        self.request("page: route", "GET", f"/o/{SLUG}/melden/")
        self.request("page: guide", "GET", f"/o/{SLUG}/melden/wegwijzer/")

    def report_web(self, number: int) -> str | None:
        status, page, _ = self.request("page: form", "GET", f"/o/{SLUG}/melden/nieuw/")
        if status != 200:
            return None
        hidden = dict(re.findall(r'name="(csrfmiddlewaretoken|submission)" value="([^"]*)"', page))
        form = {
            **hidden,
            "mode": "anonymous",
            "category": "pesten",
            "narrative": f"Melding {number} via het formulier. {MARKER}. Het gebeurde in de kantine.",
            "when": "dinsdag",
            "wishes": "Dat het stopt.",
        }
        status, _, headers = self.request(
            "report: web", "POST", f"/o/{SLUG}/melden/nieuw/", form=form, expect=(302, 303)
        )
        if status not in (302, 303):
            return None
        status, receipt, _ = self.request("report: receipt page", "GET", headers.get("Location", ""))
        found = re.search(r'data-testid="receipt-code">([\d ]+)<', receipt)
        if not found:
            self.results.record("report: receipt page", 0.0, False, "no receipt code on the page")
            return None
        return found.group(1).replace(" ", "")

    def report_api(self, number: int) -> str | None:
        status, text, _ = self.request(
            "report: API",
            "POST",
            f"/api/v1/organisations/{SLUG}/reports",
            body={
                "category": "pesten",
                "mode": "anonymous",
                "narrative": f"Melding {number} via de API. {MARKER}.",
                "when": "woensdag",
            },
            expect=(201,),
        )
        return str(json.loads(text)["receipt_code"]) if status == 201 else None

    def return_web(self, code: str) -> None:
        status, page, _ = self.request("return: form", "GET", f"/o/{SLUG}/melden/terug/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', page)
        if status != 200 or not token:
            return
        status, _, headers = self.request(
            "return: web",
            "POST",
            f"/o/{SLUG}/melden/terug/",
            form={"csrfmiddlewaretoken": token.group(1), "code": code},
            expect=(302, 303),
        )
        if status in (302, 303):
            _, page, _ = self.request("return: own report", "GET", headers.get("Location", ""))
            if MARKER not in page:
                self.results.record("return: own report", 0.0, False, "the report's text is not on the page")

    def return_api(self, code: str) -> None:
        status, text, _ = self.request(
            "return: API", "GET", "/api/v1/reports/current", headers={"X-Receipt": code}
        )
        if status == 200 and MARKER not in text:
            self.results.record("return: API", 0.0, False, "the report's text is not in the answer")


# --- processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, processes: list[subprocess.Popen[bytes]], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise SystemExit(f"a process stopped early: {process.args}")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def run(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def reset_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def delete_redis_keys(prefix: str) -> int:
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)
    return len(keys)


COUNT_SCRIPT = (
    "import json\n"
    "from django.apps import apps\n"
    "from django_tasks_db.models import DBTaskResult\n"
    "Report = apps.get_model('reporting', 'Report')\n"
    "print(json.dumps({'reports': Report.objects.count(),\n"
    "  'tasks_waiting': DBTaskResult.objects.filter(status__in=['READY', 'RUNNING']).count(),\n"
    "  'tasks_failed': DBTaskResult.objects.filter(status='FAILED').count(),\n"
    "  'tasks_done': DBTaskResult.objects.filter(status='SUCCESSFUL').count()}))\n"
)


def counts(env: dict[str, str]) -> dict[str, int]:
    output = run([*VANGNET, "shell", "-c", COUNT_SCRIPT], env)
    parsed: dict[str, int] = json.loads(output.strip().splitlines()[-1])
    return parsed


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    return subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# --- one run -----------------------------------------------------------------------------------


def crowd(base: str, *, reports: int, sources: int, concurrency: int, results: Results) -> float:
    """Each job is one reporter (own address): pages, a report (web or API), then a return."""
    addresses = [f"127.0.0.{2 + index}" for index in range(sources)]

    def one(number: int) -> None:
        reporter = Reporter(base, addresses[number % sources], results)
        reporter.pages()
        code = reporter.report_web(number) if number % 2 == 0 else reporter.report_api(number)
        if code is None:
            return
        with results.lock:
            results.codes.append(code)
        if number % 3 == 0:
            reporter.return_api(code)
        else:
            reporter.return_web(code)

    # Warm up: every server process loads the application on its first requests (not timed).
    warm = Reporter(base, "127.0.0.1", Results())
    for _ in range(8):
        warm.pages()
        warm.request("warm-up", "GET", f"/o/{SLUG}/melden/nieuw/")
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(reports)))
    return time.perf_counter() - started


def run_setup(setup: str, args: argparse.Namespace) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"vangnet-loadtest-{setup}-"))
    prefix = f"vn-loadtest-{os.getpid()}"
    port = free_port()
    env = {
        **os.environ,
        "VANGNET_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "vangnet.settings.base",
        "VANGNET_DEMO": "1",
        "EMAIL_URL": f"file://{data_dir / 'mail'}",
        "LOG_FORMAT": "json",
        "TRUSTED_PROXY_COUNT": "0",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR": "20",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("VANGNET_CRYPTO_FAST", "REDIS_URL", "DATABASE_URL", "TASKS_BACKEND"):
        env.pop(name, None)
    if setup == "postgres":
        reset_postgres(PG_URL)
        env.update(
            {
                "DATABASE_URL": PG_URL,
                "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
                "VANGNET_CACHE_KEY_PREFIX": prefix,
                "WEB_CONCURRENCY": "2",
                "GUNICORN_THREADS": "4",
            }
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{data_dir / 'vangnet.sqlite3'}"
    (data_dir / "mail").mkdir(parents=True, exist_ok=True)
    print(f"[{setup}] migrate and seed the demo organisation in {data_dir}", flush=True)
    run([*VANGNET, "migrate", "--noinput", "-v", "0"], env)
    run([*VANGNET, "seed_demo"], env)
    before = counts(env)
    logs = data_dir / "logs"
    logs.mkdir()
    if setup == "postgres":
        web = [*VANGNET, "serve", "--bind", f"127.0.0.1:{port}"]
        workers = 2
    else:
        web = [*VANGNET, "runserver", f"127.0.0.1:{port}", "--noreload", "--nostatic"]
        workers = 1
    processes = [start(web, env, logs / "web.log")]
    processes += [
        start([*VANGNET, "db_worker", "--interval", "1", "--no-reload"], env, logs / f"worker{index}.log")
        for index in range(workers)
    ]
    results = Results()
    try:
        wait_for(f"http://127.0.0.1:{port}/health/live/", processes)
        print(
            f"[{setup}] {args.reports} reporters, {args.concurrency} at once, from {args.sources} addresses",
            flush=True,
        )
        elapsed = crowd(
            f"http://127.0.0.1:{port}",
            reports=args.reports,
            sources=args.sources,
            concurrency=args.concurrency,
            results=results,
        )
        # Let the workers finish the notices the reports queued.
        deadline = time.monotonic() + 120
        after = counts(env)
        while after["tasks_waiting"] and time.monotonic() < deadline:
            time.sleep(1)
            after = counts(env)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready/", timeout=10) as response:
            ready = response.status
    finally:
        stop(processes)
        if setup == "postgres":
            delete_redis_keys(prefix)
    log_text = "\n".join(path.read_text(errors="replace") for path in sorted(logs.glob("*.log")))
    crowd_addresses = [f"127.0.0.{2 + index}" for index in range(args.sources)]
    leaks = [
        word for word in (*crowd_addresses, AGENT, "marker-agent", MARKER, "kantine") if word in log_text
    ]
    non_json = [line for line in log_text.splitlines() if line.strip() and not line.lstrip().startswith("{")]
    return {
        "setup": setup,
        "elapsed": elapsed,
        "results": results,
        "before": before,
        "after": after,
        "ready": ready,
        "leaks": leaks,
        "locked": log_text.count("database is locked"),
        "non_json": non_json if setup == "postgres" else [],
        "data_dir": data_dir,
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(outcome: dict[str, Any]) -> bool:
    results: Results = outcome["results"]
    requests = sum(len(values) for values in results.times.values())
    errors = sum(results.errors.values())
    accepted = len(results.codes)
    stored = outcome["after"]["reports"] - outcome["before"]["reports"]
    title = {
        "postgres": "2 gunicorn processes x 4 threads + 2 db_workers, PostgreSQL + Redis",
        "sqlite": "SQLite demo: runserver + 1 db_worker on one file",
    }[outcome["setup"]]
    print(f"\n## {title}")
    print(
        f"{requests} requests in {outcome['elapsed']:.1f} s = "
        f"{requests / outcome['elapsed']:.1f} requests/s; "
        f"{accepted / outcome['elapsed'] * 60:.0f} reports/min"
    )
    print(f"| {'kind':22} | {'n':>5} | {'p50 ms':>8} | {'p95 ms':>8} | {'errors':>6} |")
    print(f"|{'-' * 24}|{'-' * 7}|{'-' * 10}|{'-' * 10}|{'-' * 8}|")
    for kind in sorted(results.times):
        values = results.times[kind]
        print(
            f"| {kind:22} | {len(values):5} | {statistics.median(values) * 1000:8.0f} | "
            f"{percentile(values, 0.95) * 1000:8.0f} | {results.errors.get(kind, 0):6} |"
        )
    print(
        f"errors: {errors}; reports accepted: {accepted}; reports stored: {stored}; "
        f"tasks done {outcome['after']['tasks_done']}, failed {outcome['after']['tasks_failed']}, "
        f"left {outcome['after']['tasks_waiting']}; readiness after: {outcome['ready']}"
    )
    print(
        f"log scan: client addresses/user agent/content found: {outcome['leaks'] or 'none'}; "
        f"'database is locked': {outcome['locked']}; non-JSON lines: {len(outcome['non_json'])}"
    )
    for sample in results.error_samples:
        print(f"  error sample: {sample}")
    for line in outcome["non_json"][:5]:
        print(f"  non-JSON log line: {line[:200]}")
    return (
        errors == 0
        and accepted == stored
        and not outcome["leaks"]
        and outcome["locked"] == 0
        and outcome["after"]["tasks_failed"] == 0
        and outcome["after"]["tasks_waiting"] == 0
        and outcome["ready"] == 200
        and not outcome["non_json"]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--setup", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--reports", type=int, default=120, help="reporters (each sends one report)")
    parser.add_argument("--concurrency", type=int, default=12, help="reporters at the same time")
    parser.add_argument("--sources", type=int, default=24, help="loopback source addresses (<= 250)")
    args = parser.parse_args(argv)
    if not 1 <= args.sources <= 250 or args.reports > 20 * args.sources:
        parser.error("need 1..250 sources and at most 20 reports per source (the per-source limit)")
    random.seed(0)
    setups = ["postgres", "sqlite"] if args.setup == "both" else [args.setup]
    clean = True
    for setup in setups:
        clean = report(run_setup(setup, args)) and clean
    print("\nRESULT:", "clean" if clean else "NOT CLEAN")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
