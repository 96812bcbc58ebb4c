"""Load test: the production topology on 127.0.0.1, and the SQLite demo, under a crowd of reporters.

    .venv/bin/python scripts/loadtest.py                    # both set-ups, one table each
    .venv/bin/python scripts/loadtest.py --setup postgres   # 2 gunicorn + 2 workers, PostgreSQL, Redis
    .venv/bin/python scripts/loadtest.py --setup sqlite     # the demo: runserver + 1 worker on SQLite
    .venv/bin/python scripts/loadtest.py --setup postgres --tasks rq   # the task queue on Redis (RQ)

What runs (nothing is mocked; every process is the real command):
- postgres: `vangnet serve` (gunicorn, 2 processes x 4 threads), two `vangnet db_worker`, a fresh
  PostgreSQL database (vn_prod_loadtest) and Redis (database 11, its own key prefix, only its own
  keys are deleted afterwards). Production Argon2id cost (VANGNET_CRYPTO_FAST is off).
- sqlite: what `make demo` runs: `vangnet runserver` and one `vangnet db_worker` writing the same
  SQLite file at once, in-memory cache.
- --tasks rq: the Redis task backend (TASKS_BACKEND=django_tasks_rq.RQBackend, Redis database 12,
  which belongs to the load test: its `rq:` keys are deleted before and after) with `vangnet
  rqworker` processes instead of `vangnet db_worker`. --tasks db (the default) is the database queue.

The crowd: every virtual reporter sends from its own loopback address (127.0.0.2, 127.0.0.3, ...;
TRUSTED_PROXY_COUNT=0, so the server sees the real source), so the per-source submission limit
(VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR=20) stays on and is never reached. The mix:
public pages (route, guide, form), reports through the web form (CSRF, one-time token, receipt page)
and through the API, reporters coming back with their receipt code (web and API), employees answering
the demo's open quickscan through its group's shared link (every step) and a pulse wave through their
personal links (read from the mails the pulse sends), and the two demo advisors, logged in with
password and TOTP code and their key unlocked, opening the case list and a case.

Printed: throughput, p50/p95 per kind, errors (non-2xx/3xx answers or failures), reports accepted
(receipt codes handed out) vs reports stored (rows in the database), the same for quickscan and
pulse answers (thank-you pages vs submitted responses), tasks left or failed, and the
result of a scan of every process's log (LOG_FORMAT=json) for client addresses, the user agent and
report content, and for "database is locked". Exit status 1 when any of those is not clean.
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import hmac
import http.client
import http.cookiejar
import json
import os
import random
import re
import signal
import socket
import statistics
import struct
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
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VANGNET = [sys.executable, "-m", "vangnet"]
SLUG = "gemeente-zonnedal"  # the demo organisation (vangnet seed_demo)
AGENT = "Vangnet-Loadtest/1.0 (marker-agent)"
MARKER = "loadtest-inhoud-marker"  # in every report's text; must never appear in a log
PG_URL = "postgres://postgres@127.0.0.1:5432/vn_prod_loadtest"
REDIS_DB = 11
RQ_REDIS_DB = 12  # the RQ task queue of the load test (--tasks rq); its rq: keys are the test's own
RQ_BACKEND = "django_tasks_rq.RQBackend"
DEMO_PASSWORD = "Vangnet-demo-2026"  # the demo's published password (README)
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the demo-only secret (README)
ADVISORS = ["vertrouwenspersoon@demo.vangnet.nl", "extern.vp@demo.vangnet.nl"]


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    quickscan_sent: int = 0
    pulse_sent: int = 0
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


class FormFields(HTMLParser):
    """The fields of the page's forms: hidden values, and each radio group's choices."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "input":
            return
        attributes = {key: value or "" for key, value in attrs}
        name, kind = attributes.get("name", ""), attributes.get("type", "text")
        if kind == "hidden" and name:
            self.hidden[name] = attributes.get("value", "")
        elif kind == "radio" and name:
            self.radios.setdefault(name, []).append(attributes.get("value", ""))

    def answers(self) -> dict[str, str]:
        """Hidden fields, and a middle-of-the-road answer ("4" where it is offered) per question."""
        chosen = {name: "4" if "4" in values else values[0] for name, values in self.radios.items()}
        return {**self.hidden, **chosen}


def totp_code(secret: str, step: int) -> str:
    """RFC 6238, as an authenticator app computes it (SHA-1, 6 digits, 30-second steps)."""
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def fresh_totp_step(margin: float = 8.0) -> int:
    """The current 30-second step, or the next one when less than `margin` seconds are left."""
    now = time.time()
    if 30 - now % 30 < margin:
        time.sleep(30 - now % 30 + 0.1)
        now = time.time()
    return int(now // 30)


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


    # --- employees answering a quickscan and a pulse ---

    def quickscan(self, shared_path: str) -> None:
        """Answer the open quickscan through the group's shared link, every step, and send it."""
        status, page, _ = self.request("quickscan: start", "GET", shared_path)
        if status != 200:
            return
        status, _, headers = self.request("quickscan: start", "POST", shared_path,
                                          form=FormFields(page).hidden, expect=(302, 303))
        location = headers.get("Location", "")
        for _step in range(12):  # the instrument's steps, then the page to send
            if not location or "versturen" in location:
                break
            status, page, _ = self.request("quickscan: step", "GET", location)
            if status != 200:
                return
            status, _, headers = self.request("quickscan: step", "POST", location,
                                              form={**FormFields(page).answers(), "button": "next"},
                                              expect=(302, 303))
            location = headers.get("Location", "")
        if "versturen" not in location:
            self.results.record("quickscan: send", 0.0, False, f"no page to send after the steps: {location}")
            return
        status, page, _ = self.request("quickscan: send", "GET", location)
        if status != 200:
            return
        status, _, _ = self.request("quickscan: send", "POST", location, form=FormFields(page).hidden,
                                    expect=(200, 302, 303))
        if status in (200, 302, 303):
            with self.results.lock:
                self.results.quickscan_sent += 1

    def pulse(self, token: str) -> None:
        """Answer a pulse wave through a personal link (one use) and send it."""
        path = f"/o/{SLUG}/pulse/invullen/{token}/"
        status, page, _ = self.request("pulse: form", "GET", path)
        if status != 200:
            return
        status, done, _ = self.request("pulse: send", "POST", path, form=FormFields(page).answers())
        if status == 200 and not FormFields(done).radios:  # the thank-you page: no questions
            with self.results.lock:
                self.results.pulse_sent += 1
        elif status == 200:
            self.results.record("pulse: send", 0.0, False, "the form came back instead of the thank-you page")

    # --- an advisor (logged in with two factors, key unlocked) ---

    def advisor_login(self, email: str) -> None:
        _, page, _ = self.request("advisor: login", "GET", "/accounts/login/")
        form = {**FormFields(page).hidden, "login": email, "password": DEMO_PASSWORD}
        status, _, headers = self.request("advisor: login", "POST", "/accounts/login/", form=form,
                                          expect=(302, 303))
        if "/accounts/2fa/authenticate" not in headers.get("Location", ""):
            self.results.record("advisor: login", 0.0, False, f"no two-factor step for {email}: {status}")
            return
        _, page, _ = self.request("advisor: login", "GET", "/accounts/2fa/authenticate/")
        code = totp_code(DEMO_TOTP_SECRET, fresh_totp_step())  # each advisor logs in once
        form = {**FormFields(page).hidden, "code": code}
        status, page, headers = self.request("advisor: login", "POST", "/accounts/2fa/authenticate/",
                                             form=form, expect=(302, 303))
        # Done: a redirect away from the two-factor page (a refused code shows that page again).
        location = headers.get("Location", "/accounts/2fa/authenticate/")
        if "/accounts/2fa/authenticate" in location:
            errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]{1,200})', page)
            self.results.record("advisor: login", 0.0, False,
                                f"the TOTP code was refused for {email}: {status} {location} {errors}")
            return
        unlock = f"/o/{SLUG}/meldingen/ontgrendelen/"
        _, page, _ = self.request("advisor: unlock key", "GET", unlock)
        self.request("advisor: unlock key", "POST", unlock,
                     form={**FormFields(page).hidden, "password": DEMO_PASSWORD}, expect=(302, 303))

    def case_ids(self) -> list[str]:
        status, page, _ = self.request("advisor: case list", "GET", f"/o/{SLUG}/dossiers/")
        return sorted(set(re.findall(rf'href="/o/{SLUG}/dossiers/(\d+)/"', page))) if status == 200 else []

    def advisor_opens_a_case(self, rng: random.Random) -> None:
        cases = self.case_ids()
        if not cases:
            self.results.record("advisor: case list", 0.0, False, "no case on the advisor's list")
            return
        self.request("advisor: case", "GET", f"/o/{SLUG}/dossiers/{rng.choice(cases)}/")


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
                raise SystemExit(f"a process stopped early: {process.args!r}")
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


def delete_redis_keys(prefix: str, db: int = REDIS_DB) -> int:
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=db)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)
    return len(keys)


# What the database holds (and the task queue, whichever backend): counted before and after.
COUNT_SCRIPT = """
import json
import django_rq
from django.apps import apps
from django.conf import settings
from django_tasks_db.models import DBTaskResult
from vangnet.core.queue import RQ_BACKEND, backend_path
Report = apps.get_model('reporting', 'Report')
counts = {'reports': Report.objects.count(),
          'quickscan': apps.get_model('quickscan', 'Response').objects.filter(submitted=True).count(),
          'pulse': apps.get_model('pulse', 'PulseResponse').objects.filter(submitted=True).count()}
if backend_path() == RQ_BACKEND:
    queues = [django_rq.get_queue(name) for name in settings.RQ_QUEUES]
    counts.update(tasks_waiting=sum(q.count + len(q.started_job_registry) for q in queues),
                  tasks_failed=sum(len(q.failed_job_registry) for q in queues),
                  tasks_done=sum(len(q.finished_job_registry) for q in queues))
else:
    counts.update(
        tasks_waiting=DBTaskResult.objects.filter(status__in=['READY', 'RUNNING']).count(),
        tasks_failed=DBTaskResult.objects.filter(status='FAILED').count(),
        tasks_done=DBTaskResult.objects.filter(status='SUCCESSFUL').count())
print(json.dumps(counts))
"""

# Through the real services: a shared link for the open quickscan's employees, and a pulse wave for
# Team Jeugd whose personal links are minted and mailed at once (the mails are read, as members do).
SURVEY_SCRIPT = """
import json, re
from django.core import mail
from django.test.utils import override_settings
from django.utils import timezone
from vangnet.organisations.models import Membership, Unit
from vangnet.organisations.public import actor_for
from vangnet.pulse import services as pulse
from vangnet.quickscan import services as quickscan
from vangnet.quickscan.models import RoundGroup
coordinator = Membership.objects.get(organisation__slug=%(slug)r, user__email='coordinator@demo.vangnet.nl')
actor = actor_for(coordinator)
group = RoundGroup.objects.get(round__organisation__slug=%(slug)r, round__title='Quickscan najaar 2026',
                               slug='employees')
shared = quickscan.shared_link_create(actor=actor, group=group)
jeugd = Unit.objects.get(organisation__slug=%(slug)r, code='SD-JGD')
plan = pulse.plan_create(actor=actor, title='Pulse loadtest', unit_ids=[jeugd.pk], cadence='once',
                         first_start=timezone.localdate())
with override_settings(EMAIL_BACKEND='django.core.mail.backends.locmem.EmailBackend'):
    mail.outbox = []
    pulse.links_send(round_id=plan.rounds.get().pk)
    tokens = [m for message in mail.outbox for m in re.findall(r'/pulse/invullen/([^/\\s]+)/', message.body)]
print(json.dumps({'shared': '/o/%(slug)s/quickscan/groep/' + shared + '/', 'pulse': tokens}))
"""


def counts(env: dict[str, str]) -> dict[str, int]:
    output = run([*VANGNET, "shell", "-c", COUNT_SCRIPT], env)
    parsed: dict[str, int] = json.loads(output.strip().splitlines()[-1])
    return parsed


def surveys(env: dict[str, str]) -> dict[str, Any]:
    output = run([*VANGNET, "shell", "-c", SURVEY_SCRIPT % {"slug": SLUG}], env)
    parsed: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
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


def crowd(base: str, *, reports: int, sources: int, concurrency: int, results: Results,
          survey: dict[str, Any]) -> float:
    """Each job is one person of the crowd (own address): a reporter (pages, a report by web or
    API, a return with the receipt); every third also answers the quickscan, while pulse links last
    one answers the pulse; every fourth job an advisor opens the case list and a case."""
    addresses = [f"127.0.0.{2 + index}" for index in range(sources)]
    pulse_tokens = list(survey["pulse"])
    advisors = [Reporter(base, f"127.0.0.{2 + sources + index}", results) for index in range(len(ADVISORS))]

    def one(number: int) -> None:
        rng = random.Random(number)  # noqa: S311 - which case to open, not a secret
        person = Reporter(base, addresses[number % sources], results)
        if number % 4 == 0:
            openers[number // 4 % len(openers)].advisor_opens_a_case(rng)
        if number % 3 == 1:
            Reporter(base, addresses[number % sources], results).quickscan(survey["shared"])
        with results.lock:
            token = pulse_tokens.pop() if pulse_tokens and number % 2 == 1 else None
        if token:
            Reporter(base, addresses[number % sources], results).pulse(token)
        person.pages()
        code = person.report_web(number) if number % 2 == 0 else person.report_api(number)
        if code is None:
            return
        with results.lock:
            results.codes.append(code)
        if number % 3 == 0:
            person.return_api(code)
        else:
            person.return_web(code)

    # Warm up: every server process loads the application on its first requests (not timed).
    warm = Reporter(base, "127.0.0.1", Results())
    for _ in range(8):
        warm.pages()
        warm.request("warm-up", "GET", f"/o/{SLUG}/melden/nieuw/")
    # The advisors log in (password, TOTP code) and unlock their key once, before the crowd.
    for advisor, email in zip(advisors, ADVISORS, strict=True):
        advisor.advisor_login(email)
    # The crowd's reports go to the organisation's own advisor; an advisor whose list is empty
    # (the external one, before reports are shared) watches the list only.
    openers = [advisor for advisor in advisors if advisor.case_ids()] or advisors
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(reports)))
    return time.perf_counter() - started


def run_setup(setup: str, args: argparse.Namespace) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"vangnet-loadtest-{setup}-"))
    prefix = f"vn-loadtest-{os.getpid()}"
    port = args.port or free_port()
    pg_url = args.database_url
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
    for name in ("VANGNET_CRYPTO_FAST", "REDIS_URL", "DATABASE_URL", "TASKS_BACKEND", "TASKS_REDIS_URL"):
        env.pop(name, None)
    if args.tasks == "rq":
        env.update({"TASKS_BACKEND": RQ_BACKEND, "TASKS_REDIS_URL": f"redis://127.0.0.1:6379/{RQ_REDIS_DB}"})
        delete_redis_keys("rq", RQ_REDIS_DB)  # the load test's own queue database: start empty
    if setup == "postgres":
        reset_postgres(pg_url)
        env.update(
            {
                "DATABASE_URL": pg_url,
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
    survey = surveys(env)
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
    worker = (
        [*VANGNET, "rqworker", "default", "--with-scheduler"]
        if args.tasks == "rq"
        else [*VANGNET, "db_worker", "--interval", "1", "--no-reload"]
    )
    processes += [start(worker, env, logs / f"worker{index}.log") for index in range(workers)]
    results = Results()
    try:
        wait_for(f"http://127.0.0.1:{port}/health/live/", processes)
        print(
            f"[{setup}, tasks: {args.tasks}] {args.reports} reporters, {args.concurrency} at once, "
            f"from {args.sources} addresses; {len(survey['pulse'])} pulse links",
            flush=True,
        )
        elapsed = crowd(
            f"http://127.0.0.1:{port}",
            reports=args.reports,
            sources=args.sources,
            concurrency=args.concurrency,
            results=results,
            survey=survey,
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
        if args.tasks == "rq":
            delete_redis_keys("rq", RQ_REDIS_DB)
    log_text = "\n".join(path.read_text(errors="replace") for path in sorted(logs.glob("*.log")))
    crowd_addresses = [f"127.0.0.{2 + index}" for index in range(args.sources + len(ADVISORS))]
    leaks = [
        word for word in (*crowd_addresses, AGENT, "marker-agent", MARKER, "kantine") if word in log_text
    ]
    non_json = [line for line in log_text.splitlines() if line.strip() and not line.lstrip().startswith("{")]
    return {
        "setup": setup,
        "tasks": args.tasks,
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
    surveys_stored = {
        kind: outcome["after"][kind] - outcome["before"][kind] for kind in ("quickscan", "pulse")
    }
    worker = "rqworkers (tasks on Redis)" if outcome["tasks"] == "rq" else "db_workers"
    title = {
        "postgres": f"2 gunicorn processes x 4 threads + 2 {worker}, PostgreSQL + Redis",
        "sqlite": f"SQLite demo: runserver + 1 {worker.replace('workers', 'worker')} on one file",
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
        f"quickscan answers accepted: {results.quickscan_sent}; stored: {surveys_stored['quickscan']}; "
        f"pulse answers accepted: {results.pulse_sent}; stored: {surveys_stored['pulse']}; "
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
        and results.quickscan_sent == surveys_stored["quickscan"]
        and results.pulse_sent == surveys_stored["pulse"]
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
    parser.add_argument("--tasks", choices=["db", "rq"], default="db",
                        help="task backend: the database queue (default) or Redis (RQ, database 12)")
    parser.add_argument("--database-url", default=PG_URL,
                        help="PostgreSQL database for --setup postgres (dropped and made anew)")
    parser.add_argument("--port", type=int, default=0, help="port of the app server (default: a free one)")
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
