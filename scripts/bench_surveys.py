"""Benchmark: survey results that must not grow with the answers (issue 14), on PostgreSQL, as
PAIRED runs (the method of bench_scale.py).

    .venv/bin/python scripts/bench_surveys.py [--small 500] [--large 50000] [--runs 7] [--reuse]

Two databases (`qs2_bench_small`, `qs2_bench_large`; another prefix with `VN_BENCH_PREFIX`) hold
the same people and units in the same order, and:
- a closed quickscan round of `--small` (500) or `--large` (50,000) answers in four groups, closed
  through the service (so it has its results snapshot, ADR 0115);
- pulse waves of 500 teams × 12 respondents, closed through the pulse's own service: 2 waves in the
  small database, 24 in the large one.
Each run measures every item once in each database, back to back under the same load. Printed per
item: the median of the small runs and of the large runs, their ratio (goal ≤ 1.5) and the number
of queries at both sizes.

Measured:
- quickscan: `round_results()` (what every shape computes), the report page, PDF, CSV and API,
  at 500 and at 50,000 answers; and, once, what closing costs (the tally that becomes the
  snapshot), which is the only step that reads every answer;
- pulse: the results page of the last wave (500 teams × 12 in both databases, so the ratio shows
  whether the history weighs on it), and the trend page of one team over 2 and over 24 waves.
`--reuse` keeps databases filled before (after `migrate`).
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
sys.path.insert(0, os.environ.get("VN_BENCH_SRC", str(ROOT / "src")))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))
from bench_support import ensure_database  # noqa: E402

SERVER = os.environ.get("VN_BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
# Database names start with this (so that two people benchmarking on one server do not collide).
PREFIX = os.environ.get("VN_BENCH_PREFIX", "qs2_bench")
os.environ.setdefault("DATABASE_URL", f"{SERVER}/{PREFIX}_boot")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings.test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BATCH = 5000
PASSWORD = "Bench-password-123"
TEAMS = 500
PER_TEAM = 12
SLUG = "bench-surveys"
QS_GROUPS = ("management", "hr", "or", "employees")
MIX = ("management", "or", "employees", "employees", "employees")  # HR: one answer in 250


def _name(label: str) -> str:
    return f"{PREFIX}_{label}"


def use_database(label: str) -> None:
    from django.db import connection

    if connection.settings_dict["NAME"] != _name(label):
        connection.close()
        connection.settings_dict["NAME"] = _name(label)


@dataclass
class World:
    label: str
    answers: int
    waves: int
    organisation: Any = None
    coordinator: Any = None
    client: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def fill(world: World, *, reuse: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    url = f"{SERVER}/{_name(world.label)}"
    ensure_database(url, fresh=not reuse)
    use_database(world.label)
    call_command("migrate", verbosity=0, interactive=False)
    from vangnet.organisations.models import Organisation

    if reuse and Organisation.objects.filter(slug=SLUG).exists():
        print(f"  {world.label}: reusing the filled database")
        return
    t0 = time.perf_counter()
    coordinator, units = _people_and_units()
    close_seconds = _quickscan(coordinator, world.answers)
    pulse_seconds = _pulse(coordinator, units, world.waves)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  {world.label}: filled in {time.perf_counter() - t0:.0f} s; closing the quickscan "
          f"round of {world.answers:,} answers (the snapshot) took {close_seconds * 1000:.0f} ms; "
          f"closing a pulse wave of {TEAMS} × {PER_TEAM} took {pulse_seconds * 1000:.0f} ms "
          f"(median of {world.waves})")


def _people_and_units() -> tuple[Any, list[Any]]:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from vangnet.organisations.models import Organisation, Unit
    from vangnet.organisations.roles import Role
    from vangnet.organisations.services import membership_create

    organisation = Organisation.objects.create(name="Bench Surveys", slug=SLUG)
    coordinator = membership_create(organisation=organisation, email="qs2.coord@example.org",
                                    full_name="Bench Coordinator", roles=[Role.COORDINATOR],
                                    password=PASSWORD)
    if not Authenticator.objects.filter(user=coordinator.user).exists():
        TOTP.activate(coordinator.user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    units = Unit.objects.bulk_create(Unit(organisation=organisation, name=f"Team {n:03d}")
                                     for n in range(TEAMS))
    return coordinator, units


def _quickscan(coordinator: Any, answers: int) -> float:
    """A closed round of `answers` answers in four groups (HR small), closed by the service."""
    from vangnet.organisations.selectors import actor_for
    from vangnet.quickscan import services
    from vangnet.quickscan.content import instrument
    from vangnet.quickscan.models import Response, RoundGroup

    actor = actor_for(coordinator)
    round_ = services.round_start(actor=actor, title="Quickscan bench", group_slugs=QS_GROUPS)
    groups = {g.slug: g for g in RoundGroup.objects.filter(round=round_)}
    codes = instrument().codes
    done = 0
    while done < answers:
        numbers = range(done, done + min(BATCH, answers - done))
        Response.objects.bulk_create(
            Response(round=round_, group=groups["hr" if n % 250 == 0 else MIX[n % len(MIX)]],
                     submitted=True, channel="personal" if n % 10 else "shared",
                     answers={code: (n + i) % 6 for i, code in enumerate(codes)})
            for n in numbers)
        done += len(numbers)
    start = time.perf_counter()
    services.round_close(actor=actor, round_=round_)
    return time.perf_counter() - start


def _pulse(coordinator: Any, units: list[Any], waves: int) -> float:
    """`waves` closed waves of all teams × 12 respondents, closed by the pulse's service."""
    from django.utils import timezone

    from vangnet.pulse import services
    from vangnet.pulse.content import SCALE_VALUES, instrument
    from vangnet.pulse.models import PulseGroup, PulseLink, PulseResponse, PulseRound

    codes = instrument().codes
    today = timezone.localdate()
    durations = []
    for wave in range(1, waves + 1):
        round_ = PulseRound.objects.create(
            organisation_id=coordinator.organisation_id, wave=wave, title=f"Pulse {wave}",
            threshold=5, closes_on=today - timedelta(days=(waves - wave) * 30),
            instrument_version=instrument().version)
        groups = PulseGroup.objects.bulk_create(
            PulseGroup(round=round_, slug=f"unit-{u.pk}", unit=u, unit_name=u.name)
            for u in units)
        PulseLink.objects.bulk_create(
            PulseLink(round=round_, group=g, spent=True) for g in groups for _ in range(PER_TEAM))
        rows = [PulseResponse(round=round_, group=g, submitted=True, channel="personal",
                              answers={code: SCALE_VALUES[(t + p + i + wave) % len(SCALE_VALUES)]
                                       for i, code in enumerate(codes)})
                for t, g in enumerate(groups) for p in range(PER_TEAM)]
        PulseResponse.objects.bulk_create(rows, batch_size=BATCH)
        start = time.perf_counter()
        services.round_close(actor=None, round_=round_)
        durations.append(time.perf_counter() - start)
        PulseRound.objects.filter(pk=round_.pk).update(
            closed_at=timezone.now() - timedelta(days=(waves - wave) * 30))
    return statistics.median(durations)


def prepare(world: World) -> None:
    from django.test import Client

    from support.people import record_completed_login
    from vangnet.organisations.models import Membership, Unit
    from vangnet.pulse.models import PulseRound
    from vangnet.quickscan.models import Round

    use_database(world.label)
    world.coordinator = Membership.objects.select_related("organisation", "user").get(
        user__email="qs2.coord@example.org")
    world.organisation = world.coordinator.organisation
    world.client = Client()
    world.client.force_login(world.coordinator.user)
    record_completed_login(world.client, world.coordinator.user)
    world.extra["round"] = Round.objects.get(organisation=world.organisation)
    world.extra["wave"] = PulseRound.objects.filter(
        organisation=world.organisation).order_by("-wave").first()
    world.extra["team"] = Unit.objects.filter(organisation=world.organisation).order_by("pk")[7]


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    return response


def items(world: World) -> dict[str, Callable[[], Any]]:
    from vangnet.quickscan import selectors

    slug = world.organisation.slug
    round_ = world.extra["round"]
    report = f"/o/{slug}/quickscan/rondes/{round_.pk}/rapport"
    return {
        "quickscan round_results()": lambda: selectors.round_results(round_=round_),
        "quickscan report page": lambda: _get(world.client, f"{report}/"),
        "quickscan report PDF": lambda: _get(world.client, f"{report}.pdf"),
        "quickscan report CSV": lambda: _get(world.client, f"{report}.csv"),
        "quickscan API": lambda: _get(world.client,
                                      f"/api/v1/quickscan/rounds/{round_.pk}/results"),
        "pulse wave page (500×12)": lambda: _get(
            world.client, f"/o/{slug}/pulse/golven/{world.extra['wave'].pk}/"),
        "pulse team trend page": lambda: _get(
            world.client, f"/o/{slug}/pulse/teams/{world.extra['team'].pk}/verloop/"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--large", type=int, default=50_000)
    parser.add_argument("--small-waves", type=int, default=2)
    parser.add_argument("--large-waves", type=int, default=24)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--only", default="", help="measure only items whose name contains this")
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    import logging

    for noisy in ("django_tasks", "weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    worlds = [World("small", args.small, args.small_waves),
              World("large", args.large, args.large_waves)]
    print("Filling (bulk inserts; rounds and waves closed through their services):")
    for world in worlds:
        fill(world, reuse=args.reuse)
    for world in worlds:
        prepare(world)
    selected = {w.label: {k: v for k, v in items(w).items() if args.only in k} for w in worlds}
    timings: dict[str, dict[str, list[float]]] = {}
    queries: dict[str, dict[str, int]] = {}
    for world in worlds:  # warm up outside the timing
        use_database(world.label)
        for label, run in selected[world.label].items():
            run()
            with CaptureQueriesContext(connection) as captured:
                run()
            queries.setdefault(label, {})[world.label] = len(captured.captured_queries)
    for _ in range(args.runs):
        for label in selected["small"]:
            for world in worlds:  # paired: both sizes back to back, under the same load
                use_database(world.label)
                start = time.perf_counter()
                selected[world.label][label]()
                timings.setdefault(label, {}).setdefault(world.label, []).append(
                    time.perf_counter() - start)
    print(f"\nmedians of {args.runs} paired runs (PostgreSQL; a shared machine)")
    print(f"quickscan answers: {args.small:,} → {args.large:,}; pulse waves of {TEAMS} teams × "
          f"{PER_TEAM}: {args.small_waves} → {args.large_waves}")
    print(f"{'item':28} {'small':>10} {'large':>11}   ratio  queries")
    for label, by_size in timings.items():
        small, large = (statistics.median(by_size[w.label]) * 1000 for w in worlds)
        q = queries[label]
        print(f"{label:28} {small:>7.1f} ms {large:>8.1f} ms {large / small:>6.2f}×  "
              f"{q['small']} → {q['large']}")


if __name__ == "__main__":
    main()
