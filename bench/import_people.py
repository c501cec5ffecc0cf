"""Benchmark: validated import of people from CSV vs a plain Django bulk_create of the same rows.

    .venv/bin/python bench/import_people.py [--rows 100000] [--with-reference]
    .venv/bin/python bench/import_people.py --database-url postgresql://siee:siee@127.0.0.1:5432/siee_bench_import
    SIEE_BENCH_PG_URL=postgres://user:pass@localhost/db .venv/bin/python bench/import_people.py   (same)

The CSV is produced by the demo generator and `export_people` (33 columns, realistic values) and cached in the
temporary folder. Each database runs in its own process: SQLite on a fresh file, PostgreSQL on the given
database (its people tables are emptied first; the URL's database must be disposable).

For each database it measures, into empty people tables:
  * baseline: csv.DictReader + `Person(...)` objects + `bulk_create(batch_size=2000)`, no validation at all
    (codes resolved through a preloaded dict so that the rows can be inserted);
  * import: `import_people(FILE)`, the full path: decoding, header mapping, `clean_person` on every row,
    duplicate detection, batched writes of people, consents and desired occupations, report;
  * re-import: the same file again (every row an update);
  * with --with-reference: the import again with `fast_validation=False` (clean_person row by row, written
    from the importing thread), the path the column-wise validation must agree with.

Wall figures depend on the machine's load; CPU seconds do not (much): the client's are this process's CPU
time (all threads; validation worker processes, SIEE_IMPORT_WORKERS > 1, are not counted), the server's
are sampled from /proc for the PostgreSQL backends connected to the bench database (local server only).
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
    path = Path(tempfile.gettempdir()) / f"siee-bench-people-v2-{rows}.csv"  # v2: 34 columns (max_hours_per_week)
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


class ServerCpu:
    """CPU seconds used by the PostgreSQL backends serving `database` (sampled from /proc every 50 ms)."""

    def __init__(self, database: str):
        import threading

        self.database = database
        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._tick = os.sysconf("SC_CLK_TCK")
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for pid_dir in Path("/proc").iterdir():
            if not pid_dir.name.isdigit():
                continue
            try:
                cmd = (pid_dir / "cmdline").read_bytes()
                if not cmd.startswith(b"postgres: ") or f" {self.database} ".encode() not in cmd:
                    continue
                fields = (pid_dir / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            cpu = (int(fields[11]) + int(fields[12])) / self._tick
            self.seen[int(pid_dir.name)] = max(cpu, self.seen.get(int(pid_dir.name), 0.0))

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self._sample()

    def __enter__(self):
        self._sample()
        self.start = dict(self.seen)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()
        self.seconds = sum(cpu - self.start.get(pid, 0.0) for pid, cpu in self.seen.items())


def measure(vendor: str, database: str, fn) -> tuple[object, float, float, float]:
    """(result, wall s, client CPU s, server CPU s or nan)."""
    t0, c0 = time.perf_counter(), time.process_time()
    if vendor == "postgresql":
        with ServerCpu(database) as server:
            out = fn()
        server_cpu = server.seconds
    else:
        out = fn()
        server_cpu = float("nan")
    return out, time.perf_counter() - t0, time.process_time() - c0, server_cpu


def run_backend(url: str, path: Path, rows: int, with_reference: bool) -> dict:
    _setup(url)
    from django.db import connection

    from siee.people.imports import import_people
    from siee.people.models import Consent, Person

    vendor, database = connection.vendor, connection.settings_dict["NAME"]
    out = {"vendor": vendor, "rows": rows}
    _empty_people_tables()
    _, *out["baseline"] = measure(vendor, database, lambda: baseline(path))
    assert Person.objects.count() == rows, Person.objects.count()
    if with_reference:
        _empty_people_tables()
        result, *out["reference"] = measure(vendor, database, lambda: import_people(path, fast_validation=False,
                                                                                     writer_thread=False))
        assert (result.created, result.rejected) == (rows, 0), result.summary()
    _empty_people_tables()
    result, *out["import"] = measure(vendor, database, lambda: import_people(path))
    assert (result.created, result.rejected) == (rows, 0), result.summary()
    out["consents"] = Consent.objects.count()
    again, *out["reimport"] = measure(vendor, database, lambda: import_people(path))
    assert (again.created, again.updated) == (0, rows), again.summary()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="a disposable PostgreSQL database (or SIEE_BENCH_PG_URL)")
    parser.add_argument("--skip-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--with-reference", action="store_true", help="also time the per-row reference path")
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
        print(json.dumps(run_backend(args.url, Path(args.file), args.rows, args.with_reference)))
        return 0

    path = make_csv(args.rows)
    size = path.stat().st_size
    urls = [] if args.skip_sqlite else [f"sqlite:///{tempfile.mkdtemp(prefix='siee-bench-import-')}/siee.sqlite3"]
    pg_url = args.database_url or os.environ.get("SIEE_BENCH_PG_URL")
    if pg_url:
        urls.append(pg_url)
    print(f"file: {path} ({args.rows:,} rows, 34 columns, {size / 1e6:.1f} MB); "
          f"validation workers: {os.environ.get('SIEE_IMPORT_WORKERS') or 1}; "
          f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    per = 100_000
    for url in urls:
        cmd = [sys.executable, __file__, "--backend", "--url", url, "--file", str(path), "--rows", str(args.rows)]
        if args.with_reference:
            cmd.append("--with-reference")
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 1
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        n = r["rows"]
        print(f"\n{r['vendor']}: {n:,} rows (import incl. {r['consents']:,} consents and desired occupations)")
        print(f"  {'':<34} {'wall rows/s':>11} {'wall s':>7} {'client CPU s':>12} {'server CPU s':>12} "
              f"{'CPU s per 100k (client+server)':>31} {'vs baseline':>11}")
        base_wall = r["baseline"][0]
        names = {"baseline": "baseline bulk_create (no validation)", "reference": "import, per-row reference path",
                 "import": "validated import", "reimport": "re-import (all updates)"}
        for key, label in names.items():
            if key not in r:
                continue
            wall, client, server = r[key]
            total = client + (server if server == server else 0.0)
            server_text = f"{server:12.1f}" if server == server else f"{'(in client)':>12}"
            print(f"  {label:<34} {n / wall:>11,.0f} {wall:>7.1f} {client:>12.1f} {server_text} "
                  f"{total * per / n:>20.1f} ({client * per / n:.1f}+{(server if server == server else 0) * per / n:.1f})"
                  f" {base_wall / wall:>10.2f}x")
    print(f"\nload average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
