"""Observatory dashboard benchmark: the full indicator library for one territory and one quarter, broken down by
sex and by municipality, from the pre-aggregated fact table (the engine) against the same indicators computed
with plain Django ORM aggregation queries over the source tables (the baseline), in the same run.

    .venv/bin/python bench/observatory_dashboard.py --people 1000000 --vacancies 200000            # SQLite
    .venv/bin/python bench/observatory_dashboard.py --people 1000000 --vacancies 200000 \\
        --database-url postgresql://siee:siee@127.0.0.1:5432/siee_obsbench                          # PostgreSQL

The database is built with `siee.core.demo.generate_demo(..., history=True, history_intensity=N)` (people,
employers, vacancies, two years of applications, referrals, placements and follow-ups, plus what other apps' demos
add; --history-intensity 10, the default here, gives 5.3 million referrals + placements + follow-ups at
1,000,000 people and 200,000 vacancies) unless it already holds at least --people people (--rebuild forces a new
one; --build-only stops there). Then: full refresh of the fact table (timed), the incremental refresh a request
makes after a new row this month and the CLI's incremental refresh (timed, rolled back), one warm-up pass, and
timed passes of the engine (whole dashboard via compute_all, and each indicator alone) and of the baseline.
Prints per-indicator times, totals, the ratio, peak memory, and checks the results are identical.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def _prepare_database(url: str) -> None:
    os.environ["SIEE_DATABASE_URL"] = url
    if url.startswith("postgres"):
        from urllib.parse import urlparse

        import psycopg

        u = urlparse(url)
        name = u.path.lstrip("/")
        admin = u._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    else:
        Path(url.split("sqlite:///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _time_incremental() -> None:
    """A (withdrawn) referral added this month, then the request-time refresh; the CLI's incremental refresh;
    rolled back."""
    from django.db import transaction
    from django.utils import timezone

    from siee.intermediation.models import Referral
    from siee.observatory.facts import REQUEST_MONTHS, refresh_incremental
    from siee.observatory.registry import all_measures

    template = Referral.objects.order_by("-pk").first()
    if template is None:
        return
    measures = list(all_measures().values())
    with transaction.atomic():
        Referral.objects.create(person_id=template.person_id, vacancy_id=template.vacancy_id,
                                referred_at=timezone.now(), status="withdrawn")
        t0 = time.perf_counter()
        done = refresh_incremental(measures, only_stale=True, modified=False, months=REQUEST_MONTHS)
        print(f"request-time incremental refresh after a new referral: {time.perf_counter() - t0:.2f} s "
              f"({', '.join(done) or 'nothing'})")
        t0 = time.perf_counter()
        done = refresh_incremental(measures, modified=True)
        print(f"CLI incremental refresh (every measure, last 2 months + added/modified records): "
              f"{time.perf_counter() - t0:.1f} s for {len(done)} measures")
        transaction.set_rollback(True)


def _events() -> dict:
    from django.apps import apps

    counts = {}
    for label in ("intermediation.Application", "intermediation.Referral", "intermediation.Placement",
                  "intermediation.FollowUp", "training.Enrolment"):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        counts[label.split(".")[1]] = model.objects.count()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--vacancies", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--database-url", default="sqlite:////tmp/siee_bench/observatory.db")
    parser.add_argument("--rebuild", action="store_true", help="delete an SQLite file first / ignore existing data")
    parser.add_argument("--territory", default="68", help="territory whose municipalities form the breakdown")
    parser.add_argument("--period", default="", help="quarter (default: the last complete quarter)")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-refresh", action="store_true", help="reuse the fact table as it is")
    parser.add_argument("--history-intensity", type=float, default=10.0,
                        help="candidates per vacancy multiplier of the demo history (1 = plain `siee demo`)")
    parser.add_argument("--build-only", action="store_true", help="build the database and stop")
    parser.add_argument("--skip-incremental", action="store_true", help="do not time the incremental refresh")
    args = parser.parse_args()

    if args.rebuild and args.database_url.startswith("sqlite:///"):
        Path(args.database_url.split("sqlite:///", 1)[1]).unlink(missing_ok=True)
    _prepare_database(args.database_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siee.settings")
    import django

    django.setup()
    from django.db import connection

    from siee.cli import ensure_database
    from siee.core.demo import generate_demo
    from siee.observatory import services
    from siee.observatory.baseline import BaselineComputer
    from siee.observatory.facts import refresh_facts
    from siee.observatory.models import ObservatoryFact
    from siee.observatory.periods import last_complete_quarter, parse_period
    from siee.people.models import Person

    ensure_database()
    have = Person.objects.count()
    print(f"# database: {connection.vendor} {args.database_url}")
    if have < args.people or args.rebuild:
        from siee.observatory import demo as observatory_demo

        observatory_demo.REFRESH_FACTS = False  # timed below on its own
        t0 = time.perf_counter()
        stats = generate_demo(people=args.people - (0 if args.rebuild else have), vacancies=args.vacancies,
                              seed=args.seed, history=True, history_intensity=args.history_intensity, progress=True)
        print(f"demo generation: {time.perf_counter() - t0:.1f} s (history {stats.get('history')})")
    from siee.employers.models import Vacancy

    events = _events()
    core = sum(v for k, v in events.items() if k != "Application")
    print(f"people {Person.objects.count():,}  vacancies {Vacancy.objects.count():,}  events {core:,} "
          f"(referrals + placements + follow-ups + enrolments; {sum(events.values()):,} with applications: "
          f"{', '.join(f'{k} {v:,}' for k, v in events.items())})")
    if args.build_only:
        return 0

    if not args.skip_refresh:
        t0 = time.perf_counter()
        written = refresh_facts(progress=True)
        refresh_s = time.perf_counter() - t0
        print(f"refresh (full rebuild of the fact table): {refresh_s:.1f} s (load average "
              f"{os.getloadavg()[0]:.2f}), {sum(written.values()):,} fact rows "
              f"for {len(written)} measures ({ObservatoryFact.objects.count():,} in table)")
    else:
        print(f"refresh skipped: {ObservatoryFact.objects.count():,} fact rows in table")
    if not args.skip_incremental:
        _time_incremental()

    territory = services.resolve_territory(args.territory)
    period = parse_period(args.period) if args.period else last_complete_quarter()
    breakdowns = ["sex", "territory"]
    defs = services._definitions()
    print(f"dashboard: {len(defs)} indicators for {territory.display_name()} ({territory.code}), {period.label}, "
          f"total + by sex + by municipality")

    def engine_dashboard(disclosure=True):
        return services.compute_all(territory=territory, period=period, breakdowns=breakdowns, disclosure=disclosure)

    def one(computer_cls, d, disclosure):
        c = computer_cls([d], territory, period, disclosure_on=disclosure, breakdowns=breakdowns)
        out = [c.result(d)]
        for b in breakdowns:
            if b in d.dimensions:
                out.append(c.result(d, b))
        return out

    engine_dashboard()  # warm-up (also the automatic freshness check)
    t0 = time.perf_counter()
    dash = engine_dashboard()
    dash_s = time.perf_counter() - t0

    per = {}
    for d in defs:
        one(services._Computer, d, True)
        t0 = time.perf_counter()
        one(services._Computer, d, True)
        per[d.code] = time.perf_counter() - t0

    worst = max(per.items(), key=lambda kv: kv[1])
    print(f"engine: whole dashboard {dash_s * 1000:.0f} ms (warm); slowest indicator {worst[0]} "
          f"{worst[1] * 1000:.1f} ms; load average {os.getloadavg()[0]:.2f} (baseline follows)", flush=True)
    for d in defs:
        print(f"  {d.code:34} {per[d.code] * 1000:10.1f} ms", flush=True)

    base_per = {}
    base_total = None
    identical = None
    if not args.skip_baseline:
        engine_plain = engine_dashboard(disclosure=False)
        base_results = []
        t_all = time.perf_counter()
        for d in defs:
            t0 = time.perf_counter()
            base_results += one(BaselineComputer, d, False)
            base_per[d.code] = time.perf_counter() - t0
            print(f"  baseline {d.code:34} {base_per[d.code] * 1000:10.1f} ms", flush=True)
        base_total = time.perf_counter() - t_all
        identical = [r.to_dict() for r in engine_plain] == [r.to_dict() for r in base_results]
        if not identical:
            for a, b in zip(engine_plain, base_results, strict=False):
                if a.to_dict() != b.to_dict():
                    print(f"DIFFERENT: {a.code} {a.breakdown}: {a.value} vs {b.value}")
                    break

    print(f"\n{'indicator':34} {'engine ms':>10} {'baseline ms':>12} {'ratio':>8}")
    for d in defs:
        b = base_per.get(d.code)
        e = per[d.code]
        print(f"{d.code:34} {e * 1000:10.1f} {'' if b is None else f'{b * 1000:12.1f}'} "
              f"{'' if b is None else f'{b / e:8.0f}x'}")
    worst = max(per.items(), key=lambda kv: kv[1])
    print(f"\nwhole dashboard (compute_all, warm): {dash_s * 1000:.0f} ms for {len(dash)} results "
          f"(target < 1000 ms); sum of per-indicator: {sum(per.values()) * 1000:.0f} ms; "
          f"slowest indicator {worst[0]} {worst[1] * 1000:.1f} ms (target < 200 ms)")
    if base_total is not None:
        print(f"baseline (plain ORM over source tables): {base_total * 1000:.0f} ms; ratio baseline / engine "
              f"dashboard: {base_total / dash_s:.0f}x; results identical: {identical}")
    print(f"peak memory (this process): {_peak_mb():,.0f} MB")
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    return 0 if identical in (None, True) else 1


if __name__ == "__main__":
    sys.exit(main())
