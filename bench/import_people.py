"""Benchmark: validated import of people from CSV vs a plain Django bulk_create of the same rows.

    .venv/bin/python bench/import_people.py [--rows 100000]
    SIEE_BENCH_PG_URL=postgres://user:pass@localhost/db .venv/bin/python bench/import_people.py

The CSV is produced by the demo generator and `export_people` (33 columns, realistic values) and cached in the
temporary folder. Each database runs in its own process: SQLite on a fresh file, PostgreSQL on the given
database (its people tables are emptied first; the URL's database must be disposable).

For each database it measures, into empty people tables:
  * baseline: csv.DictReader + `Person(...)` objects + `bulk_create(batch_size=2000)`, no validation at all
    (codes resolved through a preloaded dict so that the rows can be inserted);
  * import: `import_people(FILE)`, the full path: decoding, header mapping, `clean_person` on every row,
    duplicate detection, batched writes of people, consents and desired occupations, report;
  * re-import: the same file again (every row an update).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(url: str) -> None:
    os.environ["SIEE_DATABASE_URL"] = url
    os.environ.setdefault("SIEE_IMPORT_MAX_BYTES", str(500 * 1024 * 1024))
    sys.path.insert(0, str(ROOT / "src"))
    from siee.cli import ensure_database, setup_django

    setup_django()
    ensure_database()


def _empty_people_tables() -> None:
    from django.db import connection

    from siee.people.models import Consent, Education, Experience, Person, PersonEvent, PersonSkill

    tables = [m._meta.db_table for m in (Consent, Education, Experience, PersonEvent, PersonSkill,
                                         Person.desired_occupations.through, Person)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(tables) + " CASCADE")
        else:
            for t in tables:
                cursor.execute(f"DELETE FROM {t}")


def make_csv(rows: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"siee-bench-people-{rows}.csv"
    if path.exists():
        return path
    tmp = tempfile.mkdtemp(prefix="siee-bench-gen-")
    proc = subprocess.run([sys.executable, __file__, "--generate", str(rows), "--out", str(path),
                           "--url", f"sqlite:///{tmp}/gen.sqlite3"], check=False)
    if proc.returncode:
        raise SystemExit("could not generate the CSV")
    return path


def generate(rows: int, out: Path, url: str) -> None:
    _setup(url)
    from siee.core.demo import generate_demo
    from siee.people.exports import export_people

    t0 = time.perf_counter()
    generate_demo(people=rows, vacancies=0, seed=2026)
    export_people(out)
    print(f"generated {rows:,} people and exported them to {out} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


def baseline(path: Path) -> float:
    """Plain bulk_create of the CSV rows, no validation."""
    import csv

    from django.db import transaction

    from siee.core.models import Territory
    from siee.people.models import Person
    from siee.people.validation import name_key
    from siee.taxonomy.models import EducationLevel

    territories = dict(Territory.objects.filter(country="CO").values_list("code", "id"))
    levels = dict(EducationLevel.objects.values_list("code", "id"))
    t0 = time.perf_counter()
    with open(path, newline="", encoding="utf-8") as fh, transaction.atomic():
        batch = []
        for r in csv.DictReader(fh):
            batch.append(Person(
                document_type=r["document_type"], document_number=r["document_number"], first_names=r["first_names"],
                last_names=r["last_names"], birth_date=r["birth_date"], sex=r["sex"],
                gender_identity=r["gender_identity"], nationality=r["nationality"], phone=r["phone"],
                whatsapp=r["whatsapp"], email=r["email"], address=r["address"],
                municipality_id=territories[r["municipality_code"]],
                education_level_id=levels.get(r["education_level"]), status=r["status"],
                availability=r["availability"], expected_wage=r["expected_wage"] or None,
                willing_to_relocate=r["willing_to_relocate"] == "si", interests=r["interests"],
                languages=r["languages"], migration_status=r["migration_status"],
                arrival_date=r["arrival_date"] or None, household_size=r["household_size"] or None,
                disability=r["disability"] == "si", disability_type=r["disability_type"], ethnicity=r["ethnicity"],
                conflict_victim=r["conflict_victim"] == "si", barriers=[b for b in r["barriers"].split("|") if b],
                name_key=name_key(r["first_names"], r["last_names"]),
            ))
            if len(batch) == 2000:
                Person.objects.bulk_create(batch)
                batch = []
        Person.objects.bulk_create(batch)
    return time.perf_counter() - t0


def run_backend(url: str, path: Path, rows: int) -> dict:
    _setup(url)
    from django.db import connection

    from siee.people.imports import import_people
    from siee.people.models import Consent, Person

    _empty_people_tables()
    c0 = time.process_time()
    t_base = baseline(path)
    c_base = time.process_time() - c0
    assert Person.objects.count() == rows, Person.objects.count()
    _empty_people_tables()
    t0, c0 = time.perf_counter(), time.process_time()
    result = import_people(path)
    t_import, c_import = time.perf_counter() - t0, time.process_time() - c0
    assert (result.created, result.rejected) == (rows, 0), result.summary()
    consents = Consent.objects.count()
    t0, c0 = time.perf_counter(), time.process_time()
    again = import_people(path)
    t_again, c_again = time.perf_counter() - t0, time.process_time() - c0
    assert (again.created, again.updated) == (0, rows), again.summary()
    return {"vendor": connection.vendor, "version": connection.Database.__name__, "baseline": t_base,
            "import": t_import, "reimport": t_again, "consents": consents, "rows": rows,
            "cpu_baseline": c_base, "cpu_import": c_import, "cpu_reimport": c_again}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-sqlite", action="store_true", help="only PostgreSQL (SIEE_BENCH_PG_URL)")
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--backend", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate, Path(args.out), args.url)
        return 0
    if args.backend:
        print(json.dumps(run_backend(args.url, Path(args.file), args.rows)))
        return 0

    path = make_csv(args.rows)
    size = path.stat().st_size
    urls = [] if args.skip_sqlite else [f"sqlite:///{tempfile.mkdtemp(prefix='siee-bench-import-')}/siee.sqlite3"]
    if os.environ.get("SIEE_BENCH_PG_URL"):
        urls.append(os.environ["SIEE_BENCH_PG_URL"])
    print(f"file: {path} ({args.rows:,} rows, 33 columns, {size / 1e6:.1f} MB); "
          f"validation workers: {os.environ.get('SIEE_IMPORT_WORKERS') or 1}")
    print(f"{'database':<11} {'baseline bulk_create':>22} {'validated import':>18} {'ratio':>7} {'re-import (updates)':>21}")
    for url in urls:
        proc = subprocess.run([sys.executable, __file__, "--backend", "--url", url, "--file", str(path),
                               "--rows", str(args.rows)], capture_output=True, text=True, check=False)
        if proc.returncode:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 1
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        n = r["rows"]
        print(f"{r['vendor']:<11} {n / r['baseline']:>14,.0f} rows/s {n / r['import']:>11,.0f} rows/s "
              f"{r['baseline'] / r['import']:>6.2f}x {n / r['reimport']:>14,.0f} rows/s")
        print(f"{'':<11} ({r['baseline']:.1f} s; {r['import']:.1f} s incl. {r['consents']:,} consents and desired "
              f"occupations; {r['reimport']:.1f} s)")
        print(f"{'':<11} client CPU only: {n / r['cpu_baseline']:>8,.0f} rows/s {n / r['cpu_import']:>11,.0f} rows/s "
              f"{r['cpu_baseline'] / r['cpu_import']:>6.2f}x {n / r['cpu_reimport']:>14,.0f} rows/s")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
