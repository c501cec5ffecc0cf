"""Benchmark: full ESCO + territories load, reload (idempotent upsert), and concept-search latency.

    .venv/bin/python bench/taxonomy_load.py [--reference DIR] [--repeat N]

Runs on a fresh SQLite file in a temporary folder, and also on PostgreSQL when SIEE_DATABASE_URL is set
(that database is migrated and loaded into: use a throwaway one). Each database is measured in its own
process. Search latency (p50/p95 in ms, warm index) of `search_concepts` over full ESCO is compared with a
plain ORM baseline in the same run: `label__icontains OR alt_labels__icontains` on occupations and skills
(which is neither accent- nor typo-tolerant: the "found" column counts the queries whose expected concept is
in the top 10).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = (ROOT / ".." / "shared" / "data").resolve()

# (query, a substring of the preferred label of the expected top-10 concept)
QUERIES = [
    ("soldador", "soldador"),
    ("ayudante de cosina", "ayudante de cocina"),
    ("cosinero", "cocinero"),
    ("mozo de almacen", "mozo de almacén"),
    ("conductor de camion", "conductor de camión"),
    ("atencion al cliente", "atención al cliente"),
    ("mecanico automotris", "mecánico"),
    ("enfermera", "enfermero/enfermera"),
    ("hoja de calculo", "hojas de cálculo"),
    ("gestionar inventarios", "inventario"),
    ("electricista", "electricista"),
    ("vendedora", "vendedor"),
    ("contador publico", "contador"),
    ("programador", "desarrollador"),
    ("peluquera", "peluquero"),
    ("manejo de montacargas", "montacargas"),
    ("limpieza de oficinas", "limpie"),
    ("carpintero", "carpintero"),
    ("albanil", "albañil"),
    ("recepcionista", "recepcionista"),
]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def worker(reference: Path, repeat: int) -> dict:
    sys.path.insert(0, str(ROOT / "src"))
    from siee.cli import ensure_database, setup_django

    setup_django()
    from django.db import connection
    from django.db.models import Q

    from siee.core.loaders import load_territories
    from siee.taxonomy.loaders import load_taxonomy
    from siee.taxonomy.models import Occupation, Skill
    from siee.taxonomy.search import get_search_index, invalidate_search_index, search_concepts

    out: dict = {"vendor": connection.vendor}
    t0 = time.perf_counter()
    ensure_database(reference=False)
    out["migrate_s"] = time.perf_counter() - t0

    for phase in ("load", "reload"):
        t0 = time.perf_counter()
        terr = load_territories(source_dir=reference)
        out[f"territories_{phase}_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        tax = load_taxonomy(source_dir=reference)
        out[f"taxonomy_{phase}_s"] = time.perf_counter() - t0
    out["territory_rows"] = terr["total"]
    out["taxonomy_rows"] = tax["isco_groups"] + tax["occupations"] + tax["skills"] + tax["relations"]
    out["taxonomy_counts"] = {k: v for k, v in tax.items() if k != "source"}

    invalidate_search_index()
    t0 = time.perf_counter()
    index = get_search_index()
    out["index_build_s"] = time.perf_counter() - t0
    out["index_labels"] = len(index.folded)

    def baseline(q: str) -> list[str]:
        occ = list(Occupation.objects.filter(Q(label__icontains=q) | Q(alt_labels__icontains=q))
                   .values_list("label", flat=True)[:10])
        skills = list(Skill.objects.filter(Q(label__icontains=q) | Q(alt_labels__icontains=q))
                      .values_list("label", flat=True)[:10])
        return (occ + skills)[:10]

    def fuzzy(q: str) -> list[str]:
        return [r["label"] for r in search_concepts(q, limit=10)]

    for name, fn in (("search", fuzzy), ("baseline", baseline)):
        times, found = [], 0
        for q, expected in QUERIES:
            labels = fn(q)
            found += any(expected in label for label in labels)
            for _ in range(repeat):
                t0 = time.perf_counter()
                fn(q)
                times.append((time.perf_counter() - t0) * 1000)
        out[name] = {"p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95),
                     "mean_ms": statistics.fmean(times), "found": found, "queries": len(QUERIES)}
    return out


def run_in_subprocess(url: str, reference: Path, repeat: int) -> dict:
    env = {**os.environ, "SIEE_DATABASE_URL": url, "SIEE_REFERENCE_DIR": str(reference)}
    proc = subprocess.run([sys.executable, __file__, "--worker", "--reference", str(reference), "--repeat",
                           str(repeat)], env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"worker failed for {url}:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(r: dict) -> None:
    print(f"\n== {r['vendor']}  (migrate {r['migrate_s']:.1f} s)")
    for what, rows in (("territories", r["territory_rows"]), ("taxonomy", r["taxonomy_rows"])):
        for phase in ("load", "reload"):
            s = r[f"{what}_{phase}_s"]
            print(f"{what:11} {phase:6} {s:6.2f} s  {rows:7d} rows  {rows / s:9.0f} rows/s")
    print(f"taxonomy counts: {r['taxonomy_counts']}")
    print(f"search index: {r['index_labels']} labels built in {r['index_build_s']:.2f} s (once per process)")
    s, b = r["search"], r["baseline"]
    for name, m in (("search_concepts", s), ("icontains ORM", b)):
        print(f"{name:16} p50 {m['p50_ms']:7.2f} ms  p95 {m['p95_ms']:7.2f} ms  mean {m['mean_ms']:7.2f} ms  "
              f"found {m['found']}/{m['queries']}")
    print(f"ratio search/baseline: p50 {s['p50_ms'] / b['p50_ms']:.2f}x  p95 {s['p95_ms'] / b['p95_ms']:.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE, help="folder with esco/ and geo/")
    parser.add_argument("--repeat", type=int, default=20, help="timed repetitions per query (20)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.reference, args.repeat)))
        return 0
    if not (args.reference / "esco").is_dir():
        raise SystemExit(f"no reference data in {args.reference}")
    targets = [f"sqlite:///{tempfile.mkdtemp(prefix='siee-bench-taxonomy-')}/siee.sqlite3"]
    if os.environ.get("SIEE_DATABASE_URL"):
        targets.append(os.environ["SIEE_DATABASE_URL"])
    for url in targets:
        report(run_in_subprocess(url, args.reference, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
