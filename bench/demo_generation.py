"""Benchmark: time and peak memory of `siee demo` for N people (default 1,000,000). Run by hand:

    .venv/bin/python bench/demo_generation.py [N] [--vacancies M]

Uses a fresh SQLite file in a temporary folder unless SIEE_BENCH_DATABASE_URL is set (e.g. a PostgreSQL URL).
Peak memory is the process's maximum resident set size (getrusage), reported before and after generation.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("people", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--vacancies", type=int, default=None, help="default: people / 100")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="siee-bench-demo-")
    url = os.environ.get("SIEE_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/siee.sqlite3"
    os.environ["SIEE_DATABASE_URL"] = url
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    from siee.cli import ensure_database, setup_django

    setup_django()
    t0 = time.perf_counter()
    ensure_database()
    t_ref = time.perf_counter() - t0
    from django.db import connection

    from siee.core.demo import generate_demo
    from siee.people.models import Consent, Experience, Person, PersonSkill

    base_rss = rss_mb()
    vacancies = args.vacancies if args.vacancies is not None else max(50, args.people // 100)
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    stats = generate_demo(people=args.people, vacancies=vacancies, seed=args.seed, progress=True)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    rows = (Person.objects.count() + Experience.objects.count() + PersonSkill.objects.count()
            + Consent.objects.count() + Person.desired_occupations.through.objects.count())
    print(f"database: {connection.vendor} ({url.split('@')[-1]})")
    print(f"reference data load (migrate + territories + taxonomy): {t_ref:.1f} s")
    print(f"demo: {stats['people']:,} people ({stats['migrants']:,} migrants, "
          f"{stats['migrants'] / max(1, stats['people']):.1%}), {stats['employers']:,} employers, "
          f"{stats['vacancies']:,} vacancies")
    print(f"rows written (people + experience + skills + consents + desired occupations): {rows:,}")
    print(f"time: {wall:.1f} s wall, {cpu:.1f} s CPU; {stats['people'] / wall:,.0f} people/s, {rows / wall:,.0f} rows/s")
    print(f"peak RSS: {rss_mb():.0f} MB (before generation: {base_rss:.0f} MB)")
    print(f"load average during run (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
