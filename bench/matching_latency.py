"""Benchmark: matching engine latency, index build, incremental update and batch, against PostgreSQL ts_rank.

    .venv/bin/python bench/matching_latency.py [--people 1000000] [--vacancies 100000] [--queries 200]
        [--batch-vacancies 100000] [--workers 2] [--pg-people N | --skip-pg] [--skip-batch]

People and vacancies are generated straight into the engine's arrays with the demo generator's
distributions (see bench/matching_synth.py for why and how); the taxonomy is the real ESCO one read from
a SIEE database (SIEE_BENCH_DATABASE_URL, default a SQLite file under /tmp that is reused between runs).

Figures printed:
* index build: seconds to build the PeopleIndex from the column arrays, its size (numpy/scipy buffers) and
  the process's RSS growth;
* one vacancy, top 50, one core (OMP/OPENBLAS/MKL threads = 1): p50/p95/max over --queries random open
  vacancies, for the ranking alone and ranking + 50 Spanish explanations; wall-clock AND process CPU time
  per query, plus the share of a core the process actually got (on a shared machine the CPU time is the
  better estimate of the latency on a dedicated core);
* baseline in the same run: PostgreSQL full-text ranking of the same people for the same vacancies
  (tsvector of each person's occupation and skill labels, GIN index, OR-query of the vacancy's occupation
  and skill labels, ORDER BY ts_rank DESC LIMIT 50) on database `siee_bench` of the local server, with the
  server's default settings (it may use parallel workers: that favours the baseline);
* incremental update of one person (skills, experience, desired occupations): p50/p95, with a check that
  the index was not rebuilt;
* batch: every vacancy against every person, top 50 each, in a pool of --workers forked processes sharing
  the index copy-on-write: total seconds and peak RSS (parent and largest child).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import multiprocessing as mp  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
import matching_synth as synth  # noqa: E402

from siee.matching import engine as E  # noqa: E402
from siee.matching import explain as X  # noqa: E402
from siee.matching.weights import Weights  # noqa: E402

PG_ADMIN_URL = os.environ.get("SIEE_BENCH_PG_URL", "postgresql://siee:siee@127.0.0.1:5432/siee")
PG_DB = "siee_bench"


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def pct(values, q) -> float:
    return float(np.percentile(np.asarray(values) * 1000, q))


# --- PostgreSQL baseline ----------------------------------------------------------------------------------

def pg_prepare(tax, index: E.PeopleIndex, n: int, tag: str) -> tuple[object, float]:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_DB,)).fetchone():
            conn.execute(f"CREATE DATABASE {PG_DB}")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB
    conn = psycopg.connect(url, autocommit=True)
    conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (tag text PRIMARY KEY)")
    if conn.execute("SELECT 1 FROM bench_meta WHERE tag = %s", (tag,)).fetchone():
        print(f"  PostgreSQL: reusing table people ({tag})")
        return conn, 0.0
    t0 = time.perf_counter()
    conn.execute("DROP TABLE IF EXISTS people")
    conn.execute("DELETE FROM bench_meta")
    conn.execute("CREATE UNLOGGED TABLE people (id bigint PRIMARY KEY, txt text, doc tsvector)")
    occ_l, sk_l = tax.occupation_labels, tax.skill_labels
    s_csr, e_csr, d_csr = index.skills.csr, index.experience.csr, index.desired.csr
    with conn.cursor() as cur, cur.copy("COPY people (id, txt) FROM STDIN") as copy:
        for r in range(n):
            words = [occ_l[o] for o in e_csr.indices[e_csr.indptr[r]:e_csr.indptr[r + 1]]]
            words += [occ_l[o] for o in d_csr.indices[d_csr.indptr[r]:d_csr.indptr[r + 1]]]
            words += [sk_l[s] for s in s_csr.indices[s_csr.indptr[r]:s_csr.indptr[r + 1]]]
            copy.write_row((int(index.person_id[r]), " ".join(words)))
    conn.execute("UPDATE people SET doc = to_tsvector('spanish', txt)")
    conn.execute("CREATE INDEX people_doc_gin ON people USING gin (doc)")
    conn.execute("ANALYZE people")
    conn.execute("INSERT INTO bench_meta VALUES (%s)", (tag,))
    return conn, time.perf_counter() - t0


PG_QUERY = """
SELECT id FROM people, (SELECT replace(plainto_tsquery('spanish', %s)::text, '&', '|')::tsquery AS q) AS v
WHERE doc @@ v.q ORDER BY ts_rank(doc, v.q) DESC LIMIT 50
"""


# --- batch ------------------------------------------------------------------------------------------------

_B: dict = {}


def _batch_chunk(bounds):
    a, b = bounds
    index, queries, weights = _B["index"], _B["queries"], _B["weights"]
    ids = np.zeros((b - a, 50), np.int64)
    scores = np.zeros((b - a, 50), np.float32)
    for i in range(a, b):
        res = E.rank_people(index, queries[i], weights, top=50)
        ids[i - a, : res.ids.size] = res.ids
        scores[i - a, : res.scores.size] = res.scores
    return a, ids, scores, peak_mb(), time.process_time()


def run_batch(index, queries, weights, workers: int) -> tuple[float, np.ndarray, float]:
    queries = sorted(queries, key=lambda q: q.occupation)  # same-occupation vacancies share cached work
    _B.update(index=index, queries=queries, weights=weights)
    m = len(queries)
    step = max(1, min(2000, m // (workers * 8) or 1))
    chunks = [(a, min(m, a + step)) for a in range(0, m, step)]
    ids = np.zeros((m, 50), np.int64)
    t0 = time.perf_counter()
    child_peak = 0.0
    with mp.get_context("fork").Pool(workers) as pool:
        for a, cid, _sc, pk, _cpu in pool.imap_unordered(_batch_chunk, chunks):
            ids[a: a + cid.shape[0]] = cid
            child_peak = max(child_peak, pk)
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    _B["cpu"] = cpu.ru_utime + cpu.ru_stime
    return time.perf_counter() - t0, ids, child_peak


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--vacancies", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--pg-queries", type=int, default=100)
    ap.add_argument("--batch-vacancies", type=int, default=None, help="default: all --vacancies")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-pg", action="store_true")
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    url = os.environ.get("SIEE_BENCH_DATABASE_URL") or "sqlite:////tmp/siee-bench-matching/siee.sqlite3"
    os.makedirs("/tmp/siee-bench-matching", exist_ok=True)
    print(f"SIEE matching benchmark: {args.people:,} people, {args.vacancies:,} vacancies, one core per process")
    t0 = time.perf_counter()
    synth.setup_database(url)
    tax, optional, munis = synth.load_taxonomy()
    print(f"  taxonomy: {tax.occupation_ids.size:,} occupations, {tax.skill_ids.size:,} skills, "
          f"{tax.essential.nnz:,} essential links ({time.perf_counter() - t0:.1f} s incl. Django set-up)")

    t0 = time.perf_counter()
    cols = synth.generate_people(tax, munis, args.people, seed=args.seed)
    t_gen = time.perf_counter() - t0
    rss0 = rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    index = synth.build_index(tax, cols)
    t_build, c_build = time.perf_counter() - t0, time.process_time() - c0
    del cols
    rss1 = rss_mb()
    print(f"  people generated in {t_gen:.1f} s; nnz skills {index.skills.nnz:,}, experience "
          f"{index.experience.nnz:,}, desired {index.desired.nnz:,}; eligible {int(index.eligible[:index.n].sum()):,}")
    print(f"INDEX BUILD: {t_build:.2f} s wall ({c_build:.2f} s CPU) for {index.n:,} people; index buffers {index.nbytes() / 2**20:.0f} MB; "
          f"RSS +{rss1 - rss0:.0f} MB (now {rss1:.0f} MB)")

    queries = synth.generate_vacancies(tax, optional, munis, args.vacancies, seed=args.seed + 1)
    weights = Weights()
    rng = np.random.default_rng(7)
    sample = rng.choice(len(queries), size=min(args.queries, len(queries)), replace=False)
    for i in sample[:10]:  # warm-up: similarity cache, page faults
        E.rank_people(index, queries[i], weights, top=50)
    index.tax._sim_cache.clear()
    lat, lat_cpu, lat_x, exhaustive, examined = [], [], [], 0, []
    w0, c0 = time.perf_counter(), time.process_time()
    for i in sample:
        q = queries[i]
        t0, p0 = time.perf_counter(), time.process_time()
        res = E.rank_people(index, q, weights, top=50)
        t1, p1 = time.perf_counter(), time.process_time()
        for j, r in enumerate(res.rows):
            X.explain(tax, index.record(int(r)), q, weights, float(res.scores[j]), X.components_row(res, j), res.applied)
        t2 = time.perf_counter()
        lat.append(t1 - t0)
        lat_cpu.append(p1 - p0)
        lat_x.append(t2 - t0)
        exhaustive += res.exhaustive
        examined.append(res.examined)
    share = (time.process_time() - c0) / (time.perf_counter() - w0)
    print(f"ONE VACANCY, TOP 50 ({len(sample)} queries): ranking wall-clock p50 {pct(lat, 50):.2f} ms, "
          f"p95 {pct(lat, 95):.2f} ms, max {pct(lat, 100):.2f} ms; CPU time p50 {pct(lat_cpu, 50):.2f} ms, "
          f"p95 {pct(lat_cpu, 95):.2f} ms; with 50 explanations (wall) p50 {pct(lat_x, 50):.2f} ms, "
          f"p95 {pct(lat_x, 95):.2f} ms")
    print(f"  rows scored per query p50 {np.percentile(examined, 50):,.0f}, p95 {np.percentile(examined, 95):,.0f}; "
          f"{exhaustive} of {len(sample)} needed the exhaustive path; this process got {share:.0%} of a core "
          f"during the loop (shared machine; load average {os.getloadavg()[0]:.1f})")
    lat_full = []
    for i in sample[:20]:
        t0 = time.perf_counter()
        E.rank_people(index, queries[i], weights, top=50, exhaustive=True)
        lat_full.append(time.perf_counter() - t0)
    print(f"  (exhaustive scoring of every row, for reference: p50 {pct(lat_full, 50):.1f} ms, "
          f"p95 {pct(lat_full, 95):.1f} ms)")

    # incremental update
    builds = E.PeopleIndex.builds_total
    upd = []
    for r in rng.choice(index.n, size=200, replace=False):
        rec = index.record(int(r))
        rec.skills = tuple(int(s) for s in rng.choice(tax.skill_ids.size, size=4, replace=False))
        rec.experience = {int(rng.integers(tax.occupation_ids.size)): 12.0}
        t0 = time.process_time()
        index.upsert(rec)
        upd.append(time.process_time() - t0)
    t0 = time.perf_counter()
    new = E.PersonRecord(person_id=int(index.person_id[index.n - 1]) + 1, municipality=int(munis[0]), skills=(1, 2))
    index.upsert(new)
    t_new = time.perf_counter() - t0
    assert E.PeopleIndex.builds_total == builds, "an update rebuilt the index"
    print(f"INCREMENTAL UPDATE of one person (CPU time): p50 {pct(upd, 50):.2f} ms, p95 {pct(upd, 95):.2f} ms; "
          f"new person {t_new * 1000:.2f} ms; full builds during updates: 0")

    if not args.skip_pg:
        try:
            conn, t_pg = pg_prepare(tax, index, index.n - 1, f"n={args.people},seed={args.seed},v=1")
        except Exception as exc:  # server down: say so, keep the other figures
            print(f"PostgreSQL baseline skipped: {exc}")
        else:
            if t_pg:
                print(f"  PostgreSQL: table + tsvector + GIN index for {index.n - 1:,} people in {t_pg:.0f} s")
            pg = []
            texts = [synth.vacancy_text(tax, queries[i]) for i in sample[: args.pg_queries]]
            conn.execute(PG_QUERY, (texts[0],)).fetchall()
            for text in texts:
                t0 = time.perf_counter()
                conn.execute(PG_QUERY, (text,)).fetchall()
                pg.append(time.perf_counter() - t0)
            eng50, eng95 = pct(lat[: len(pg)], 50), pct(lat[: len(pg)], 95)
            print(f"  (load average during the baseline {os.getloadavg()[0]:.1f})")
            print(f"BASELINE ts_rank (GIN) top 50 ({len(pg)} queries): p50 {pct(pg, 50):.1f} ms, p95 {pct(pg, 95):.1f} ms; "
                  f"engine/ts_rank ratio of p95: 1/{pct(pg, 95) / eng95:.1f} (engine {eng95:.2f} ms), "
                  f"p50: 1/{pct(pg, 50) / eng50:.1f}")
            conn.close()

    if not args.skip_batch:
        m = min(args.batch_vacancies or len(queries), len(queries))
        t_batch, ids, child_peak = run_batch(index, queries[:m], weights, args.workers)
        filled = int((ids[:, -1] > 0).sum())
        print(f"BATCH: {m:,} vacancies x {index.n:,} people, top 50 each, {args.workers} processes: {t_batch:.1f} s "
              f"({t_batch / m * 1000 * args.workers:.2f} ms per vacancy per core); {filled:,} vacancies with 50 results; "
              f"peak RSS parent {peak_mb():.0f} MB, largest child {child_peak:.0f} MB")
        cpu = _B["cpu"]
        print(f"  batch CPU time {cpu:.0f} s in the workers = {cpu / m * 1000:.2f} ms per vacancy; on 2 dedicated "
              f"cores 100,000 vacancies would take about {cpu / m * 100_000 / 2 / 60:.1f} min "
              f"(load average now {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
