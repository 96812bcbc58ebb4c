"""Benchmark: time to submit a report and to open one as a recipient, at PRODUCTION Argon2id cost.

    .venv/bin/python scripts/bench_reporting.py [--runs 15] [--database-url postgres://...]

Uses a throw-away SQLite database (or the given DATABASE_URL) and the test settings with
VANGNET_CRYPTO_FAST switched OFF, so every Argon2id derivation costs what it costs in production
(libsodium INTERACTIVE: opslimit 2, memlimit 64 MiB; see docs/adr/0030).

Measured:
- submit: report_submit() incl. receipt derivation (1 Argon2id), key generation, sealing, DB writes
- unlock: the recipient's once-per-session unlock (1 Argon2id from the password)
- open: reading one report as recipient with an unlocked key (unseal + decrypt contents + messages)
- open incl. unlock: unlock + open (the first report of a session)
- reporter return: reporter_open() with the receipt code (1 Argon2id)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="vangnet-bench-")
    os.environ["VANGNET_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{Path(data_dir) / 'bench.sqlite3'}"
    if args.database_url.startswith("postgres"):
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_support import ensure_database

        ensure_database(args.database_url, fresh=True)  # throw-away, like the SQLite file
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings.test")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.VANGNET_CRYPTO_FAST = False  # production Argon2id cost
    call_command("migrate", verbosity=0)

    from support.people import PASSWORD, make_member, make_organisation
    from vangnet.core.crypto import argon2_cost
    from vangnet.organisations.roles import Role
    from vangnet.organisations.selectors import actor_for
    from vangnet.reporting import keys, selectors, services

    organisation = make_organisation("Benchmark")
    advisor = make_member(organisation, Role.ADVISOR)
    keys.keypair_create(user=advisor.user, password=PASSWORD)
    actor = actor_for(advisor)
    pair = keys.keypair_of(advisor.user)
    narrative = "Een feitelijk verslag van wat er gebeurde. " * 40

    timings: dict[str, list[float]] = {k: [] for k in
                                       ("submit", "unlock", "open", "open incl. unlock", "reporter return")}
    codes = []
    reports = []
    for _ in range(args.runs):
        start = time.perf_counter()
        report, code = services.report_submit(
            organisation=organisation, category="pesten", mode="anonymous",
            parts={"narrative": narrative, "when": "dinsdag", "wishes": "Dat het stopt"},
            recipient=advisor)
        timings["submit"].append(time.perf_counter() - start)
        services.message_post(report=report, actor=actor, body="Dank je voor je melding.")
        codes.append(code)
        reports.append(report)
    for report, code in zip(reports, codes, strict=True):
        start = time.perf_counter()
        private = keys.private_key_unlock(pair=pair, password=PASSWORD)
        unlocked = time.perf_counter()
        found = selectors.report_get_for_actor(actor=actor, pk=report.pk)
        selectors.report_contents_for(actor=actor, report=found, private_key=private)
        selectors.report_messages_for(actor=actor, report=found, private_key=private)
        end = time.perf_counter()
        timings["unlock"].append(unlocked - start)
        timings["open"].append(end - unlocked)
        timings["open incl. unlock"].append(end - start)
        start = time.perf_counter()
        if services.reporter_open(code=code) is None:
            raise SystemExit("receipt code did not open its report")
        timings["reporter return"].append(time.perf_counter() - start)

    opslimit, memlimit = argon2_cost()
    print(f"Argon2id opslimit={opslimit} memlimit={memlimit // (1024 * 1024)} MiB; "
          f"database={settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; runs={args.runs}")
    for name, values in timings.items():
        print(f"{name:18} median {statistics.median(values) * 1000:8.1f} ms   "
              f"min {min(values) * 1000:8.1f}   max {max(values) * 1000:8.1f}")


if __name__ == "__main__":
    main()
