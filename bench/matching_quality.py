"""Matching quality on synthetic ground truth, against a TF-IDF cosine baseline in the same run.

    .venv/bin/python bench/matching_quality.py [--background 20000] [--vacancies 500] [--seed 1]

Ground truth: for each vacancy, one "right" person is generated FROM THE VACANCY'S PROFILE WITH NOISE:
* experience in the vacancy's occupation (months: the requirement x U(0.8, 2), at least 3), replaced 25 % of
  the time by an occupation of the same ISCO unit group when there is one; 0-1 extra random experience;
* each required skill kept with p = 0.7, each desired skill with p = 0.5, plus 1-3 other essential skills of
  the occupation and 0-2 random skills from the whole ESCO skill list;
* desires the vacancy's occupation with p = 0.6 (else a random one); lives in the vacancy's municipality
  with p = 0.6 (else another municipality of the metro area), willing to relocate with p = 0.25;
* meets the education minimum with p = 0.85 (else one rank below); expects at most the offer with p = 0.8
  (else 20 % above); eligible and legally able to take the contract.
The pool the vacancy is ranked against is a background population with the demo generator's distributions
(bench/matching_synth.py: thousands of people with the same occupations, so there are many plausible
distractors) plus the right people of all the other vacancies.

Reported for the engine and the baseline: recall@10 (share of vacancies whose right person is in the top
10) and MRR (mean of 1/rank, counted as 0 beyond rank 100). Both rank only the people eligible for the
vacancy (same filters). The baseline is TF-IDF (sublinear tf, smoothed idf, accent-folded word tokens,
Spanish stop words removed) cosine between the vacancy's text (occupation + skill labels) and each
person's text (experience and desired occupation labels + skill labels), built with numpy/scipy.sparse.
A second engine row uses only the text-like components (occupation, skills, experience, preferences) so the
gain of the structured components (location, wage, education) is visible separately.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, os.path.dirname(__file__))
import matching_synth as synth  # noqa: E402

from siee.lib.text import STOPWORDS, fold  # noqa: E402
from siee.matching import engine as E  # noqa: E402
from siee.matching.weights import Weights  # noqa: E402

EXTRA_STOP = frozenset("como que otros otras etc sobre entre".split())
MAX_RANK = 100


def right_person(rng, tax, pool, q: E.VacancyQuery, pid: int, munis, optional) -> E.PersonRecord:
    occ = q.occupation
    if rng.random() < 0.25:
        same_unit = np.flatnonzero(tax.occupation_isco == tax.occupation_isco[occ])
        same_unit = same_unit[same_unit != occ]
        if same_unit.size:
            occ = int(rng.choice(same_unit))
    months = max(3.0, float(q.experience_months or 12) * rng.uniform(0.8, 2.0))
    experience = {occ: months}
    if rng.random() < 0.5:
        experience.setdefault(int(rng.choice(pool)), float(rng.choice([6, 12, 24])))
    skills = {int(s) for s in q.essential_skills if rng.random() < 0.7}
    skills |= {int(s) for s in q.optional_skills if rng.random() < 0.5}
    ess = tax.essential.indices[tax.essential.indptr[q.occupation]:tax.essential.indptr[q.occupation + 1]]
    if ess.size:
        skills |= {int(s) for s in rng.choice(ess, size=min(ess.size, int(rng.integers(1, 4))), replace=False)}
    skills |= {int(s) for s in rng.integers(0, tax.skill_ids.size, size=int(rng.integers(0, 3)))}
    desired = (q.occupation,) if rng.random() < 0.6 else (int(rng.choice(pool)),)
    muni = q.municipality if rng.random() < 0.6 else int(rng.choice(munis))
    ranks = sorted(set(tax.education_ranks.values()))
    if q.education_rank >= 0:
        edu = q.education_rank + int(rng.integers(0, 2)) if rng.random() < 0.85 else q.education_rank - 1
    else:
        edu = int(rng.choice(ranks))
    offer = q.wage_offer
    wage = offer * rng.uniform(0.7, 1.0) if rng.random() < 0.8 else offer * 1.2
    return E.PersonRecord(person_id=pid, municipality=muni, education_rank=edu, expected_wage=float(wage),
                          willing_to_relocate=bool(rng.random() < 0.25), eligible=True, migration_class=0,
                          skills=tuple(sorted(skills)), experience=experience, desired=desired)


_TOKEN = re.compile(r"[a-z0-9ñ]+")


def tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(fold(text)) if len(t) > 2 and t not in STOPWORDS and t not in EXTRA_STOP]


class TfIdf:
    def __init__(self, docs: list[str]):
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for i, d in enumerate(docs):
            for t in tokens(d):
                rows.append(i)
                cols.append(vocab.setdefault(t, len(vocab)))
        self.vocab = vocab
        tf = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(docs), len(vocab)))
        tf.sum_duplicates()
        tf.data = 1.0 + np.log(tf.data)
        df = np.bincount(tf.indices, minlength=len(vocab))
        self.idf = (np.log((1 + len(docs)) / (1 + df)) + 1.0).astype(np.float32)
        m = tf.multiply(self.idf).tocsr()
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        self.matrix = sp.diags(1.0 / norms) @ m

    def scores(self, text: str) -> np.ndarray:
        v = np.zeros(len(self.vocab), np.float32)
        for t in tokens(text):
            k = self.vocab.get(t)
            if k is not None:
                v[k] += 1.0
        nz = v > 0
        v[nz] = (1.0 + np.log(v[nz])) * self.idf[nz]
        n = np.linalg.norm(v)
        return self.matrix @ (v / n) if n else np.zeros(self.matrix.shape[0], np.float32)


def rank_of(scores: np.ndarray, ids: np.ndarray, ok: np.ndarray, target_row: int) -> int:
    """1-based rank of target among eligible rows (ties: lower id first), MAX_RANK + 1 when beyond."""
    s = scores[target_row]
    better = ok & ((scores > s) | ((scores == s) & (ids < ids[target_row])))
    r = int(better.sum()) + 1
    return r if r <= MAX_RANK else MAX_RANK + 1


def summarize(ranks: list[int]) -> tuple[float, float, float]:
    r = np.asarray(ranks)
    return float((r <= 10).mean()), float(np.where(r <= MAX_RANK, 1.0 / r, 0.0).mean()), float((r == 1).mean())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--background", type=int, default=20_000)
    ap.add_argument("--vacancies", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    url = os.environ.get("SIEE_BENCH_DATABASE_URL") or "sqlite:////tmp/siee-bench-matching/siee.sqlite3"
    os.makedirs("/tmp/siee-bench-matching", exist_ok=True)
    synth.setup_database(url)
    tax, optional, munis = synth.load_taxonomy()
    t0 = time.perf_counter()
    cols = synth.generate_people(tax, munis, args.background, seed=args.seed)
    index = synth.build_index(tax, cols)
    queries = synth.generate_vacancies(tax, optional, munis, args.vacancies, seed=args.seed + 1)
    rng = np.random.default_rng(args.seed + 2)
    pool, _ = synth.occupation_pool(tax)
    first = args.background + 1
    truth = []
    for i, q in enumerate(queries):
        if q.occupation < 0:
            continue
        rec = right_person(rng, tax, pool, q, first + i, munis, optional)
        index.upsert(rec)
        truth.append((q, rec.person_id))
    index.experience.compact(index.n)
    index.desired.compact(index.n)
    index.skills.compact(index.n)
    index._refresh_statistics()
    n = index.n
    ids = index.person_id[:n]
    texts = [synth.person_text(tax, index, r) for r in range(n)]
    tfidf = TfIdf(texts)
    print(f"Pool: {n:,} people ({args.background:,} background + {len(truth)} right people), "
          f"{len(truth)} vacancies; set-up {time.perf_counter() - t0:.1f} s")

    variants = {"engine (default weights)": Weights(),
                "engine, text-like components only": Weights(education=0, location=0, wage=0, hours=0)}
    ranks = {name: [] for name in variants}
    ranks["TF-IDF cosine baseline"] = []
    timing = {name: 0.0 for name in ranks}
    for q, pid in truth:
        row = index.row_of(pid)
        classes = E.LegalPolicy().allowed_classes(country=q.country, contract_type=q.contract_type,
                                                  open_to_migrants=q.open_to_migrants)
        ok = index.eligible[:n] & classes[index.migration_class[:n]]
        for name, w in variants.items():
            t = time.perf_counter()
            res = E.rank_people(index, q, w, top=MAX_RANK)
            timing[name] += time.perf_counter() - t
            hit = np.flatnonzero(res.ids == pid)
            ranks[name].append(int(hit[0]) + 1 if hit.size else MAX_RANK + 1)
        t = time.perf_counter()
        s = tfidf.scores(synth.vacancy_text(tax, q))
        ranks["TF-IDF cosine baseline"].append(rank_of(s, ids, ok, row))
        timing["TF-IDF cosine baseline"] += time.perf_counter() - t
    print(f"{'method':<38} {'recall@10':>9} {'MRR':>7} {'top-1':>7} {'ms/vacancy':>11}")
    for name, r in ranks.items():
        rec10, mrr, top1 = summarize(r)
        print(f"{name:<38} {rec10:>9.3f} {mrr:>7.3f} {top1:>7.3f} {timing[name] / len(truth) * 1000:>11.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
