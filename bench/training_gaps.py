"""Benchmark: skills-gap analysis of one territory (issue 5), set-based against a straightforward ORM version.

    .venv/bin/python bench/training_gaps.py [--people 1000000] [--vacancies 200000] [--db PATH] [--no-orm]

Generates the demo population with `siee.core.demo.generate_demo` in ONE municipality (68001) so that the whole
population is the analysed territory, into a fresh SQLite file (or `--db PATH`, reused when it already holds
people; or SIEE_BENCH_DATABASE_URL, e.g. PostgreSQL). Then, each in its own forked process so that their peak
memory is measured apart (peak RSS minus RSS at start, from getrusage):

* set-based: `siee.training.gaps.compute_skill_gaps` (SQL GROUP BY on skill ids for demand and supply, numpy
  over id pairs and per-occupation bit masks for the placements unlocked);
* ORM baseline: model instances with prefetch_related, Python sets per person and per vacancy (the obvious way).

Both produce the full ranked list; the script checks they agree (demand, supply, gap, placements_unlocked per
skill) and prints time, peak memory and the ratio. `--no-orm` skips the baseline (it is slow at full scale).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))


def _rss_now_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def orm_gaps(territory_ids, start, end, today) -> list[dict]:
    """The straightforward implementation: instances, prefetch, Python loops."""
    from siee.people.models import Person
    from siee.taxonomy.models import Skill
    from siee.training.gaps import (
        _vacancies_in,
        open_vacancies,
        opportunity_demand,
        procurement_demand,
        skill_code,
    )

    demand = defaultdict(float)
    for v in _vacancies_in(territory_ids, start, end).prefetch_related("skill_links"):
        for link in v.skill_links.all():
            demand[link.skill_id] += v.posts * (1.0 if link.required else 0.5)
    vac_part = dict(demand)
    for source in (procurement_demand(territory_ids, start, end), opportunity_demand(territory_ids, start, end)):
        for k, w in source.items():
            demand[k] += w
    supply = Counter()
    by_occ = defaultdict(list)
    people = (Person.objects.filter(status="active", municipality_id__in=territory_ids)
              .prefetch_related("skills", "desired_occupations", "experience"))
    for p in people.iterator(chunk_size=2000):
        skills = {s.skill_id for s in p.skills.all()}
        supply.update(skills)
        occs = {o.pk for o in p.desired_occupations.all()} | {e.occupation_id for e in p.experience.all() if e.occupation_id}
        for o in occs:
            by_occ[o].append(skills)
    unlocked = Counter()
    for v in open_vacancies(territory_ids, today).prefetch_related("skill_links"):
        required = {link.skill_id for link in v.skill_links.all() if link.required}
        if not required:
            continue
        qualified = 0
        near = Counter()
        for skills in by_occ.get(v.occupation_id, ()):
            missing = required - skills
            if not missing:
                qualified += 1
            elif len(missing) == 1:
                near[next(iter(missing))] += 1
        for s, n in near.items():
            unlocked[s] += min(max(0, (v.posts or 1) - qualified), n)
    skills = {s.pk: s for s in Skill.objects.filter(pk__in=list(demand))}
    rows = [{"skill_id": pk, "skill": skill_code(skills[pk].uri), "label": skills[pk].label, "demand": round(d, 2),
             "supply": supply.get(pk, 0), "gap": round(d - supply.get(pk, 0), 2),
             "placements_unlocked": unlocked.get(pk, 0), "vacancies": round(vac_part.get(pk, 0.0), 2)}
            for pk, d in demand.items()]
    rows.sort(key=lambda r: (-r["gap"], -r["placements_unlocked"], r["label"]))
    return rows


def _in_child(fn):
    """Run fn() in a forked process; return (result, seconds, peak MB above the child's starting RSS)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        from django.db import connections

        for conn in connections.all():
            conn.close()  # a fresh connection, never the parent's
        try:
            base = _rss_now_mb()
            t0 = time.perf_counter()
            result = fn()
            secs = time.perf_counter() - t0
            payload = json.dumps({"result": result, "seconds": secs, "peak_mb": _peak_mb() - base})
        except BaseException as exc:  # noqa: BLE001
            payload = json.dumps({"error": repr(exc)})
        with os.fdopen(w, "w") as fh:
            fh.write(payload)
        os._exit(0)
    os.close(w)
    with os.fdopen(r) as fh:
        data = json.loads(fh.read() or "{}")
    os.waitpid(pid, 0)
    if "error" in data:
        raise RuntimeError(data["error"])
    return data["result"], data["seconds"], data["peak_mb"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--vacancies", type=int, default=200_000)
    parser.add_argument("--territory", default="68001")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--db", help="SQLite file to create or reuse")
    parser.add_argument("--no-orm", action="store_true", help="skip the ORM baseline")
    args = parser.parse_args()
    url = os.environ.get("SIEE_BENCH_DATABASE_URL")
    if not url:
        path = args.db or os.path.join(tempfile.mkdtemp(prefix="siee-bench-gaps-"), "siee.sqlite3")
        url = f"sqlite:///{os.path.abspath(path)}"
    os.environ["SIEE_DATABASE_URL"] = url
    from siee.cli import ensure_database, setup_django

    setup_django()
    ensure_database()
    from django.db import connection
    from django.utils import timezone

    from siee.core.demo import generate_demo
    from siee.core.selectors import find_territory, territory_subtree_ids
    from siee.employers.models import Vacancy
    from siee.people.models import Person
    from siee.training.gaps import compute_skill_gaps

    if not Person.objects.exists():
        t0 = time.perf_counter()
        generate_demo(people=args.people, vacancies=args.vacancies, seed=args.seed, territory=args.territory,
                      progress=True)
        print(f"generated in {time.perf_counter() - t0:.0f} s")
    territory = find_territory(args.territory)
    ids = territory_subtree_ids([territory])
    n_people = Person.objects.filter(municipality_id__in=ids).count()
    n_vac = Vacancy.objects.filter(municipality_id__in=ids).count()
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=365), today
    print(f"database: {connection.vendor}; territory {territory.code} {territory.name}: {n_people:,} people, "
          f"{n_vac:,} vacancies")
    connection.close()

    def set_based():
        return compute_skill_gaps(territory_ids=ids, start=start, end=end, today=today)

    fast, t_fast, m_fast = _in_child(set_based)
    print(f"set-based: {t_fast:.2f} s, peak memory +{m_fast:.0f} MB, {len(fast):,} skills demanded; "
          f"{sum(1 for r in fast if r['gap'] > 0):,} with a positive gap")
    for r in fast[:5]:
        print(f"   gap {r['gap']:>9.1f}  demand {r['demand']:>9.1f}  supply {r['supply']:>7}  "
              f"unlocks {r['placements_unlocked']:>5}  {r['label']}")
    if not args.no_orm:
        slow, t_slow, m_slow = _in_child(lambda: orm_gaps(ids, start, end, today))
        print(f"ORM baseline: {t_slow:.2f} s, peak memory +{m_slow:.0f} MB")
        key = ("demand", "supply", "gap", "placements_unlocked")
        a = {r["skill_id"]: tuple(r[k] for k in key) for r in fast}
        b = {r["skill_id"]: tuple(r[k] for k in key) for r in slow}
        print(f"results identical: {a == b}" + ("" if a == b else f" ({sum(a.get(k) != b.get(k) for k in set(a) | set(b))} skills differ)"))
        print(f"ratio: {t_slow / t_fast:.1f}x faster, {m_slow / max(m_fast, 1):.1f}x less memory than the ORM baseline")
    print(f"load average (1/5/15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
