"""Benchmark: pages and jobs that must not grow with the data (issue 13, "Scale"), at 1,000 and at
100,000 cases on PostgreSQL, measured as PAIRED runs.

    .venv/bin/python scripts/bench_scale.py [--small 1000] [--large 100000] [--runs 9] [--reuse]

Two databases (`vn_scale_bench_<size>`; `$VN_BENCH_PREFIX_<size>` to share a server) are filled
with the same people in the same order (so
every primary key of a person or organisation is the same in both) and with `size` reports,
recipients and cases in bulk (placeholder ciphertext: none of these pages decrypts). Each run
then measures every item once in the small database and once in the large one, switching the
connection between them; the machine is shared, so pairing puts both sizes under the same load.
Printed per item: the median of the small runs, of the large runs, their ratio (goal ≤ 1.5) and
the number of queries at both sizes.

Measured:
- inbox: the advisor's inbox page (`/meldingen/`) and its list query alone;
- recipients overview: the coordinator's page of who holds how many reports;
- case list, last page: the last page of "all cases" (page 20 at 1,000, page 2,000 at 100,000);
- reminder job: one hourly `cases.run_due_work` an hour after the previous one;
- yearly report: computing a year's figures (what the freeze does once), and the page, CSV and
  PDF of the published year.
`--reuse` keeps databases that were filled before (after `migrate`), to compare code on the same
rows; without it both are dropped and filled again.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, os.environ.get("VN_BENCH_SRC", str(ROOT / "src")))  # another checkout to compare
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))
from bench_support import ensure_database  # noqa: E402

SERVER = os.environ.get("VN_BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
os.environ.setdefault(
    "DATABASE_URL", f"{SERVER}/{os.environ.get('VN_BENCH_PREFIX', 'vn_scale_bench')}_boot")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings.test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BATCH = 5000
PASSWORD = "Bench-password-123"
PAGE_SIZE = 50


PREFIX = os.environ.get("VN_BENCH_PREFIX", "vn_scale_bench")  # helpers sharing one server


def _name(size: int) -> str:
    return f"{PREFIX}_{size}"


def use_database(size: int) -> None:
    """Point the default connection at the database of `size` (reconnects on the next query)."""
    from django.db import connection

    if connection.settings_dict["NAME"] != _name(size):
        connection.close()
        connection.settings_dict["NAME"] = _name(size)


@dataclass
class World:
    size: int
    organisation: Any = None
    advisor: Any = None
    coordinator: Any = None
    client_advisor: Any = None
    client_coordinator: Any = None
    year: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _totp(user: Any) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")


def fill(size: int, *, reuse: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    url = f"{SERVER}/{_name(size)}"
    if reuse:
        ensure_database(url)
    else:
        ensure_database(url, fresh=True)
    use_database(size)
    call_command("migrate", verbosity=0, interactive=False)
    from vangnet.organisations.models import Organisation

    if reuse and Organisation.objects.filter(slug="bench-scale").exists():
        print(f"  {size:,}: reusing the filled database")
        return
    t0 = time.perf_counter()
    _people_and_cases(size)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  {size:,}: filled in {time.perf_counter() - t0:.0f} s")


def _people_and_cases(size: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from vangnet.cases.models import AdviceContact, Case, CaseCategory
    from vangnet.cases.workflow import OPEN_STATES, Outcome, State
    from vangnet.organisations.models import Organisation, Unit
    from vangnet.organisations.roles import Role
    from vangnet.organisations.services import membership_create
    from vangnet.reporting.keys import keypair_create
    from vangnet.reporting.models import Message, Report, ReportRecipient

    organisation = Organisation.objects.create(name="Bench Scale", slug="bench-scale")
    advisor = membership_create(organisation=organisation, email="scale.advisor@example.org",
                                full_name="Bench Advisor", roles=[Role.ADVISOR], password=PASSWORD)
    second = membership_create(organisation=organisation, email="scale.second@example.org",
                               full_name="Second Advisor", roles=[Role.ADVISOR], password=PASSWORD)
    coordinator = membership_create(organisation=organisation, email="scale.coord@example.org",
                                    full_name="Bench Coordinator", roles=[Role.COORDINATOR],
                                    password=PASSWORD)
    keypair_create(user=advisor.user, password=PASSWORD)
    keypair_create(user=second.user, password=PASSWORD)
    for person in (advisor, coordinator):
        _totp(person.user)
    units = [Unit.objects.create(organisation=organisation, name=f"Team {n:02d}") for n in range(24)]
    states = [State.RECEIVED, State.ACKNOWLEDGED, State.IN_CONVERSATION, State.INFORMAL,
              State.CONCLUDED, State.CLOSED, State.CLOSED, State.CLOSED]
    categories = ["pesten", "intimidatie", "werkdruk", "discriminatie", "overig"]
    outcomes = [o.value for o in Outcome]
    now = timezone.now()
    done = 0
    while done < size:
        numbers = range(done, done + min(BATCH, size - done))
        reports = Report.objects.bulk_create([
            Report(organisation=organisation, category=categories[n % 5], mode="anonymous",
                   receipt_hash=f"scale-{n:08d}", reporter_sealed_key=b"x", box_public_key=b"x",
                   box_private_ciphertext=b"x", content_ciphertext=b"x",
                   recovery_sealed_key=b"x" if n % 4 else None)
            for n in numbers])
        # Every report goes to the advisor; one in three also to the second advisor.
        ReportRecipient.objects.bulk_create(
            [ReportRecipient(report=r, membership=advisor, sealed_key=b"x") for r in reports]
            + [ReportRecipient(report=r, membership=second, sealed_key=b"x")
               for n, r in zip(numbers, reports, strict=True) if n % 3 == 0])
        Message.objects.bulk_create([
            Message(report=r, author_kind=Message.AuthorKind.REPORTER, ciphertext=b"x")
            for n, r in zip(numbers, reports, strict=True) if n % 2 == 0])
        cases = []
        for n, report in zip(numbers, reports, strict=True):
            received = now - timedelta(days=n % 700, minutes=n % 1440)
            state = states[n % len(states)]
            acked = received + timedelta(days=2) if state != State.RECEIVED else None
            closed = received + timedelta(days=20 + n % 90) if state == State.CLOSED else None
            cases.append(Case(
                organisation=organisation, report=report, reference=f"S-{n:08d}", state=state,
                is_open=state in OPEN_STATES, category=report.category,
                unit=units[n % 25] if n % 25 < 24 else None, route_step="advisor",
                outcome=outcomes[n % len(outcomes)] if closed else "",
                received_at=received, acknowledge_due_at=received + timedelta(days=7),
                acknowledged_at=acked, feedback_due_at=received + timedelta(days=97),
                feedback_given_at=received + timedelta(days=60) if n % 3 == 0 else None,
                closed_at=closed,
                satisfaction_handled_well=(n % 2) if closed and n % 5 == 0 else None,
            ))
        Case.objects.bulk_create(cases)
        # Every case counts under its category; one in seven under a second one (ADR 0100).
        CaseCategory.objects.bulk_create(
            [CaseCategory(case=case, category=case.category) for case in cases]
            + [CaseCategory(case=case, category=categories[(n + 1) % 5])
               for n, case in zip(numbers, cases, strict=True)
               if n % 7 == 0 and categories[(n + 1) % 5] != case.category])
        AdviceContact.objects.bulk_create([
            AdviceContact(organisation=organisation, advisor=advisor,
                          contact_date=(now - timedelta(days=n % 700)).date(),
                          category=categories[n % 5], outcome=outcomes[n % len(outcomes)])
            for n in numbers if n % 4 == 0])
        done += len(numbers)
    # A report is created when its case is received (created_at is set on insert: copy it).
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reporting_report SET created_at = c.received_at FROM cases_case c "
                       "WHERE c.report_id = reporting_report.id")
    # The running state of a real installation: the reminders of earlier hours are recorded.
    from vangnet.cases.tasks import run_due_work

    run_due_work(now - timedelta(hours=1))
    # ... and their e-mails went out (a run sends at most one batch; the backlog of a first run
    # over 100,000 cases is not what an hourly run meets).
    from vangnet.cases.models import DeadlineReminder

    DeadlineReminder.objects.filter(sent_at__isnull=True).update(sent_at=now - timedelta(hours=1))
    # Bulk inserts skip the signals that keep the coordinator's running totals (ADR 0095).
    from vangnet.reporting import holdings

    if hasattr(holdings, "rebuild"):
        holdings.rebuild()


def prepare(size: int) -> World:
    from django.test import Client
    from django.utils import timezone

    from vangnet.cases import stats
    from vangnet.organisations.models import Membership

    use_database(size)
    world = World(size=size)
    world.advisor = Membership.objects.select_related("organisation", "user").get(
        user__email="scale.advisor@example.org")
    world.coordinator = Membership.objects.select_related("user").get(
        user__email="scale.coord@example.org")
    world.organisation = world.advisor.organisation
    world.client_advisor, world.client_coordinator = Client(), Client()
    from support.people import record_completed_login

    for client, person in ((world.client_advisor, world.advisor),
                           (world.client_coordinator, world.coordinator)):
        client.force_login(person.user)
        record_completed_login(client, person.user)  # password and second factor passed
    world.year = stats.latest_published_year()
    world.extra["job_hour"] = timezone.now()
    world.extra["last_page"] = -(-size // PAGE_SIZE)
    return world


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    return response


def last_page_url(world: World) -> str:
    """The last page of "all cases": by number (before keyset pagination) or by the key of the
    row just before it (after); the key is looked up once, outside the timing."""
    from vangnet.cases import selectors

    base = f"/o/{world.organisation.slug}/dossiers/?toon=all"
    cursor_for = getattr(selectors, "cursor_before_row", None)
    if cursor_for is None:
        return f"{base}&pagina={world.extra['last_page']}"
    if "cursor" not in world.extra:
        world.extra["cursor"] = cursor_for(
            actor=_actor(world), view="all", offset=(world.extra["last_page"] - 1) * PAGE_SIZE)
    return f"{base}&na={world.extra['cursor']}"


def _actor(world: World) -> Any:
    from vangnet.organisations.selectors import actor_for

    return actor_for(world.advisor)


def _inbox_list(reporting_selectors: Any, world: World) -> list[Any]:
    """The inbox's list query: `inbox_reports_for` (two index walks) where it exists, else the
    single query with OR-ed EXISTS it replaced."""
    if hasattr(reporting_selectors, "inbox_reports_for"):
        return reporting_selectors.inbox_reports_for(actor=_actor(world), limit=200)
    return list(reporting_selectors.reports_for_actor(actor=_actor(world))[:200])


def items(world: World) -> dict[str, Callable[[], Any]]:
    from vangnet.cases import stats
    from vangnet.cases.tasks import run_due_work
    from vangnet.reporting import selectors as reporting_selectors

    slug = world.organisation.slug
    yearly = f"/o/{slug}/dossiers/jaarverslag"

    def job() -> Any:
        world.extra["job_hour"] += timedelta(hours=1)
        result = run_due_work(world.extra["job_hour"])
        world.extra["job_recorded"] = world.extra.get("job_recorded", 0) + result["recorded"]
        return result

    return {
        "inbox (page)": lambda: _get(world.client_advisor, f"/o/{slug}/meldingen/"),
        "inbox (list query)": lambda: _inbox_list(reporting_selectors, world),
        "recipients overview": lambda: _get(world.client_coordinator,
                                            f"/o/{slug}/meldingen/ontvangers/"),
        "case list, last page": lambda: _get(world.client_advisor, last_page_url(world)),
        "reminder job (hourly)": job,
        "yearly figures (compute)": lambda: stats.compute_yearly_report(
            organisation_id=world.organisation.pk, organisation_name="", year=world.year),
        "yearly report HTML": lambda: _get(world.client_coordinator, f"{yearly}/?jaar={world.year}"),
        "yearly report CSV": lambda: _get(world.client_coordinator,
                                          f"{yearly}.csv?jaar={world.year}"),
        "yearly report PDF": lambda: _get(world.client_coordinator,
                                          f"{yearly}.pdf?jaar={world.year}"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--only", default="", help="measure only items whose name contains this")
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    import logging

    for noisy in ("django_tasks", "weasyprint", "fontTools"):  # mail tasks, PDF progress
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sizes = (args.small, args.large)
    print("Filling (placeholder ciphertext, bulk inserts):")
    for size in sizes:
        fill(size, reuse=args.reuse)
    worlds = {size: prepare(size) for size in sizes}
    selected = {size: {k: v for k, v in items(worlds[size]).items() if args.only in k}
                for size in sizes}
    timings: dict[str, dict[int, list[float]]] = {}
    queries: dict[str, dict[int, int]] = {}
    for size in sizes:  # warm up (and freeze the published year) outside the timing
        use_database(size)
        for label, run in selected[size].items():
            run()
            with CaptureQueriesContext(connection) as captured:
                run()
            queries.setdefault(label, {})[size] = len(captured.captured_queries)
    for _ in range(args.runs):
        for label in selected[sizes[0]]:
            for size in sizes:  # paired: the two sizes back to back, under the same load
                use_database(size)
                start = time.perf_counter()
                selected[size][label]()
                timings.setdefault(label, {}).setdefault(size, []).append(
                    time.perf_counter() - start)
    print(f"\nmedians of {args.runs} paired runs (PostgreSQL; a shared 2-core machine)")
    print(f"{'item':28} {args.small:>9,} {args.large:>11,}   ratio  queries")
    for label, by_size in timings.items():
        small, large = (statistics.median(by_size[s]) * 1000 for s in sizes)
        q = queries[label]
        print(f"{label:28} {small:>7.1f} ms {large:>8.1f} ms {large / small:>6.2f}×  "
              f"{q[sizes[0]]} → {q[sizes[1]]}")
    if any("job_recorded" in worlds[size].extra for size in sizes):
        recorded = [worlds[size].extra.get("job_recorded", 0) for size in sizes]
        print(f"reminders that became due during the job's runs (one run an hour later each): "
              f"{recorded[0]:,} at {sizes[0]:,} cases, {recorded[1]:,} at {sizes[1]:,}")


if __name__ == "__main__":
    main()
