"""Benchmark: the signals dashboard of an organisation with 2,000 units and 12 quarters of every
source on PostgreSQL, and the same with 200 units (the query count must not grow with units).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vn_bench_signals .venv/bin/python scripts/bench_signals.py

Uses its own database. Rows are written in bulk: units (40 departments of 49 teams, plus 40
departments), 10 members per team, HR figures per team per quarter, two routine occurrences per
team per quarter, a discussion per team per quarter, cases spread over teams and quarters with
retaliation check-ins, advice-only contacts, a published code with acknowledgements, a closed
pulse wave per quarter with every team and the organisation in its results, a held workshop
session per quarter with registrations, and the advisors' pattern signals. Prints the median time
of `dashboard_for` over 12 quarters and its query count, for both sizes, for the coordinator and
for a confidential advisor (whose view adds the pattern signals), and the same for the quarterly
report's charts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))
from bench_support import ensure_database  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vn_bench_signals")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings.test")
RUNS = 5


def setup() -> None:
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("This benchmark is meant for PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_database(url, fresh=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build(slug: str, departments: int, teams_per_department: int) -> object:
    from datetime import datetime, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from vangnet.accounts.models import User
    from vangnet.cases.models import AdviceContact, Case, PatternSignal, RetaliationCheckin
    from vangnet.conduct.models import Acknowledgement, CodeVersion, Discussion
    from vangnet.core.signal_sources import Quarter, last_quarters
    from vangnet.organisations.models import Membership, Organisation, Unit
    from vangnet.organisations.roles import Role
    from vangnet.organisations.services import membership_create, organisation_create
    from vangnet.pulse.content import instrument
    from vangnet.pulse.models import PulseRound
    from vangnet.signals.models import HRFigure
    from vangnet.toolbox.models import Routine, RoutineOccurrence, Werkvorm
    from vangnet.toolbox.services import builtin_content_load
    from vangnet.workshops.models import Offer, Pool, Registration, Session

    Organisation.objects.filter(slug=slug).delete()
    organisation = organisation_create(name=slug, slug=slug)
    coordinator = membership_create(organisation=organisation, email=f"{slug}@example.org",
                                    full_name="Bench", roles=[Role.COORDINATOR])
    tops = Unit.objects.bulk_create([Unit(organisation=organisation, name=f"Afdeling {d}")
                                     for d in range(departments)])
    teams = Unit.objects.bulk_create([Unit(organisation=organisation, name=f"Team {d}-{t}",
                                           parent=top)
                                      for d, top in enumerate(tops)
                                      for t in range(teams_per_department)])
    users = User.objects.bulk_create([User(email=f"{slug}-{i}@example.org", full_name="x")
                                      for i in range(len(teams) * 10)])
    members = Membership.objects.bulk_create([
        Membership(organisation=organisation, user=user, unit=teams[i // 10])
        for i, user in enumerate(users)])
    quarters = last_quarters(Quarter.of(timezone.localdate()), 12)
    HRFigure.objects.bulk_create([
        HRFigure(organisation=organisation, unit=team, year=q.year, quarter=q.number,
                 headcount=10, absence_percent=Decimal(3 + (i + j) % 7), sick_reports=(i + j) % 5,
                 leavers=(i * j) % 2)
        for i, team in enumerate(teams) for j, q in enumerate(quarters)], batch_size=5000)
    if not Werkvorm.objects.filter(organisation__isnull=True).exists():
        builtin_content_load()
    werkvorm = Werkvorm.objects.filter(organisation__isnull=True).first()
    routines = Routine.objects.bulk_create([
        Routine(organisation=organisation, unit=team, werkvorm=werkvorm, title="Check-in",
                frequency=Routine.Frequency.MONTHLY, starts_on=quarters[0].start,
                time_of_day=datetime.min.time(), duration_minutes=15) for team in teams])
    today = timezone.localdate()
    RoutineOccurrence.objects.bulk_create([
        RoutineOccurrence(routine=routine, date=day, done_at=timezone.now() if (i + k) % 3 else None)
        for i, routine in enumerate(routines) for q in quarters
        for k, day in enumerate((q.start, q.start + timedelta(days=40))) if day <= today],
        batch_size=5000)
    Discussion.objects.bulk_create([
        Discussion(organisation=organisation, unit=team, held_on=min(q.start, today))
        for i, team in enumerate(teams) for j, q in enumerate(quarters) if (i + j) % 4 == 0],
        batch_size=5000)
    now = timezone.now()
    Case.objects.bulk_create([
        Case(organisation=organisation, reference=f"S-{i:07d}", category="pesten",
             unit=teams[i % len(teams)],
             received_at=timezone.make_aware(datetime.combine(quarters[i % 12].start,
                                                              datetime.min.time())),
             acknowledge_due_at=now, feedback_due_at=now)
        for i in range(len(teams) * 3)], batch_size=5000)
    version = CodeVersion.objects.create(organisation=organisation, number=1, major=1,
                                         title="Code", change_note="x",
                                         status=CodeVersion.Status.PUBLISHED,
                                         published_at=timezone.make_aware(datetime.combine(
                                             quarters[0].start, datetime.min.time())))
    Acknowledgement.objects.bulk_create([
        Acknowledgement(organisation=organisation, version=version, major=1, membership=m)
        for i, m in enumerate(members) if i % 3], batch_size=5000)
    cases = list(Case.objects.filter(organisation=organisation).order_by("pk")[:len(teams)])
    RetaliationCheckin.objects.bulk_create([
        RetaliationCheckin(case=case, months_after=3, due_at=case.received_at,
                           sent_at=case.received_at, answered_at=case.received_at,
                           answer="no" if i % 4 else "yes")
        for i, case in enumerate(cases)], batch_size=5000)
    AdviceContact.objects.bulk_create([
        AdviceContact(organisation=organisation, contact_date=q.start + timedelta(days=i % 60),
                      category="pesten" if i % 2 else "intimidatie")
        for q in quarters for i in range(20 + len(teams) // 100)], batch_size=5000)
    scales = [scale.code for scale in instrument().scales]

    def scale_figures(mean: float) -> dict[str, object]:
        return {"mean": mean, "low": mean - 0.3, "high": mean + 0.3, "n": 10, "rwg_j": 0.8}

    PulseRound.objects.bulk_create([
        PulseRound(organisation=organisation, title=f"Pulse {q.label}",
                   status=PulseRound.Status.CLOSED, closes_on=q.start + timedelta(days=30),
                   closed_at=timezone.make_aware(datetime.combine(q.start + timedelta(days=30),
                                                                  datetime.min.time())),
                   wave=j + 1,
                   results={"k": 5, "units": [
                       {"unit_id": team.pk, "shown": True,
                        "scales": {c: scale_figures(3 + (i + j) % 4) for c in scales}}
                       for i, team in enumerate(teams)],
                       "organisation": {"shown": True, "answers": len(teams) * 10,
                                        "scales": {c: scale_figures(4.5) for c in scales}}})
        for j, q in enumerate(quarters) if q.start + timedelta(days=30) <= today])
    pool = Pool.objects.create(organisation=organisation, name="Bench")
    offer = Offer.objects.create(pool=pool, title="Bench", audience="employees")
    sessions = Session.objects.bulk_create([
        Session(offer=offer, status=Session.Status.HELD,
                starts_at=timezone.make_aware(datetime.combine(q.start + timedelta(days=20),
                                                               datetime.min.time())))
        for q in quarters if q.start + timedelta(days=20) <= today])
    Registration.objects.bulk_create([
        Registration(session=session, membership=m, organisation=organisation,
                     unit_id=m.unit_id, status=Registration.Status.REGISTERED)
        for j, session in enumerate(sessions) for i, m in enumerate(members) if (i + j) % 7 == 0],
        batch_size=5000)
    advisor = membership_create(organisation=organisation, email=f"{slug}-advisor@example.org",
                                full_name="Advisor", roles=[Role.ADVISOR])
    PatternSignal.objects.bulk_create([
        PatternSignal(organisation=organisation, kind=PatternSignal.Kind.UNIT, unit=team,
                      subject_key=f"unit:{team.pk}", case_count=2 + i % 9,
                      first_raised_at=now, last_raised_at=now)
        for i, team in enumerate(teams[:200])])
    return coordinator, advisor


def measure(member: object) -> tuple[float, int, float, int]:
    """The dashboard (median ms, queries) and the quarterly report's charts on top of it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vangnet.organisations.public import actor_for
    from vangnet.signals.report import report_blocks
    from vangnet.signals.selectors import dashboard_for

    actor = actor_for(member)
    dashboard_for(actor=actor, count=12)
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        dashboard_for(actor=actor, count=12)
        timings.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        board = dashboard_for(actor=actor, count=12)
    print(f"  rows shown {len(board.rows)}, alerts {len(board.alerts)}, "
          f"pattern signals {len(board.pattern_signals)}")
    with CaptureQueriesContext(connection) as report_queries:
        start = time.perf_counter()
        blocks = report_blocks(dashboard_for(actor=actor, count=12, for_report=True))
        report_seconds = time.perf_counter() - start
    print(f"  report: {sum(len(b.items) for b in blocks)} measures")
    return (statistics.median(timings), len(queries.captured_queries), report_seconds,
            len(report_queries.captured_queries))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--departments", type=int, default=40)
    parser.add_argument("--teams", type=int, default=49)
    args = parser.parse_args()
    setup()
    results = {}
    for label, departments in (("small", max(args.departments // 10, 1)),
                               ("large", args.departments)):
        coordinator, advisor = build(f"bench-signals-{label}", departments, args.teams)
        units = departments * (args.teams + 1)
        print(f"{label}: {units} units", flush=True)
        for role, member in (("coordinator", coordinator), ("advisor", advisor)):
            results[(label, role)] = (units, *measure(member))
    for (label, role), (units, seconds, queries, report, report_queries) in results.items():
        print(f"{label} ({units} units, 12 quarters), {role}: dashboard {seconds * 1000:.0f} ms, "
              f"{queries} queries; report with charts {report * 1000:.0f} ms, "
              f"{report_queries} queries")


if __name__ == "__main__":
    main()
