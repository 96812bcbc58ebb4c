"""Benchmark: the case list and the deadline view at 1,000 and at 100,000 cases on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vn_bench_cases .venv/bin/python scripts/bench_cases.py

Uses its own database (created when missing, emptied of earlier bench data). Rows are written in
bulk (reports with placeholder ciphertext: the list never decrypts), then the list pages are
requested through Django's test client as a logged-in advisor. Prints the median time per page,
the number of queries, both sizes and their ratio. `--small` and `--large` change the sizes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))
from bench_support import ensure_database  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vn_bench_cases")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings.test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BATCH = 5000
RUNS = 25
PAGES = {"open cases": "", "due soon (deadlines)": "?toon=due", "all cases": "?toon=all"}


def setup() -> None:
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("This benchmark is meant for PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_people() -> tuple[object, object]:
    from vangnet.organisations.models import Organisation
    from vangnet.organisations.roles import Role
    from vangnet.organisations.services import membership_create, organisation_create
    from vangnet.reporting.keys import keypair_create

    Organisation.objects.filter(slug__startswith="bench-cases").delete()
    organisation = organisation_create(name="Bench Cases", slug="bench-cases")
    advisor = membership_create(organisation=organisation, email="bench.advisor@example.org",
                                full_name="Bench Advisor", roles=[Role.ADVISOR],
                                password="Bench-password-123")
    from vangnet.reporting.models import UserKeyPair

    if not UserKeyPair.objects.filter(user=advisor.user).exists():
        keypair_create(user=advisor.user, password="Bench-password-123")
    # Another organisation with its own cases: the list must not scan them either.
    other = organisation_create(name="Bench Cases Other", slug="bench-cases-other")
    return organisation, advisor, other


def add_cases(organisation: object, advisor: object, count: int, start: int) -> None:
    """Reports, recipients and cases in bulk; a realistic mix of states and dates."""
    from django.utils import timezone

    from vangnet.cases.models import Case
    from vangnet.cases.workflow import OPEN_STATES, State
    from vangnet.reporting.models import Report, ReportRecipient

    states = [State.RECEIVED, State.ACKNOWLEDGED, State.IN_CONVERSATION, State.INFORMAL,
              State.CONCLUDED, State.CLOSED, State.CLOSED, State.CLOSED]
    categories = ["pesten", "intimidatie", "werkdruk", "discriminatie", "overig"]
    now = timezone.now()
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        numbers = range(start + done, start + done + size)
        reports = Report.objects.bulk_create([
            Report(organisation=organisation, category=categories[n % 5], mode="anonymous",
                   receipt_hash=f"bench-{organisation.pk}-{n:08d}", reporter_sealed_key=b"x",
                   box_public_key=b"x", box_private_ciphertext=b"x", content_ciphertext=b"x")
            for n in numbers
        ])
        ReportRecipient.objects.bulk_create([
            ReportRecipient(report=report, membership=advisor, sealed_key=b"x") for report in reports
        ])
        cases = []
        for n, report in zip(numbers, reports, strict=True):
            received = now - timedelta(days=n % 700, minutes=n % 1440)
            state = states[n % len(states)]
            acked = received + timedelta(days=2) if state != State.RECEIVED else None
            cases.append(Case(
                organisation=organisation, report=report, reference=f"B-{n:08d}", state=state,
                is_open=state in OPEN_STATES,
                category=report.category, received_at=received,
                acknowledge_due_at=received + timedelta(days=7), acknowledged_at=acked,
                feedback_due_at=received + timedelta(days=97),
                feedback_given_at=received + timedelta(days=60) if n % 3 == 0 else None,
            ))
        Case.objects.bulk_create(cases)
        done += size


def _enable_totp(user: object) -> None:
    """Case readers must use two factors (middleware); give the bench advisor a TOTP device."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")


def measure(advisor: object) -> dict[str, tuple[float, int, float]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    _enable_totp(advisor.user)
    client.force_login(advisor.user)
    results = {}
    for label, query in PAGES.items():
        url = f"/o/{advisor.organisation.slug}/dossiers/{query}"
        if client.get(url).status_code != 200:
            sys.exit(f"{url} did not answer 200")
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            if response.status_code != 200:
                sys.exit(f"{url} did not answer 200")
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        results[label] = (statistics.median(timings) * 1000, len(queries.captured_queries),
                          _database_ms(advisor, query))
    return results


def _database_ms(advisor: object, query: str) -> float:
    """Execution time PostgreSQL reports for the page's list queries (less noisy than the page:
    the machine is shared, and rendering 50 rows costs the same at any size)."""
    from vangnet.cases import selectors
    from vangnet.organisations.models import Membership
    from vangnet.organisations.selectors import actor_for

    view = query.partition("=")[2] or "open"
    actor = actor_for(Membership.objects.get(pk=advisor.pk))
    cases = selectors.cases_for_actor(actor=actor, view=view)
    total = 0.0
    for queryset in (cases.as_recipient[:51], cases.as_grantee[:51]):
        samples = []
        for _ in range(5):
            plan = queryset.explain(analyze=True).splitlines()
            samples.append(float(plan[-1].split(":")[1].split()[0]))
        total += statistics.median(samples)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="Keep the rows (to EXPLAIN queries).")
    args = parser.parse_args()
    setup()
    from django.db import connection

    organisation, advisor, other = make_people()
    other_advisor = None
    t0 = time.perf_counter()
    add_cases(organisation, advisor, args.small, 0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    small = measure(advisor)
    print(f"filled {args.small:,} cases in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    add_cases(organisation, advisor, args.large - args.small, args.small)
    if other_advisor is None:
        from vangnet.organisations.roles import Role
        from vangnet.organisations.services import membership_create

        other_advisor = membership_create(organisation=other, email="bench.other@example.org",
                                          roles=[Role.ADVISOR])
        add_cases(other, other_advisor, args.large // 10, 0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"filled up to {args.large:,} cases (+{args.large // 10:,} in another organisation) "
          f"in {time.perf_counter() - t0:.1f} s")
    large = measure(advisor)
    print()
    print(f"{'page (whole request)':24} {args.small:>10,} cases {args.large:>10,} cases   ratio  queries")
    for label in PAGES:
        (ms_small, q_small, _db), (ms_large, q_large, _db2) = small[label], large[label]
        print(f"{label:24} {ms_small:>10.1f} ms  {ms_large:>10.1f} ms  {ms_large / ms_small:>6.2f}"
              f"  {q_small} → {q_large}")
    print()
    print(f"{'list queries (database)':24} {args.small:>10,} cases {args.large:>10,} cases   ratio")
    for label in PAGES:
        db_small, db_large = small[label][2], large[label][2]
        print(f"{label:24} {db_small:>10.2f} ms  {db_large:>10.2f} ms  {db_large / db_small:>6.2f}")
    if not args.keep:
        organisation.delete()
        other.delete()


if __name__ == "__main__":
    main()
