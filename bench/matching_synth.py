"""Synthetic people and vacancies for the matching benchmarks, generated straight into the engine's arrays.

Why not `siee demo` + a database read: writing and reading back 1,000,000 people through SQLite takes tens
of minutes and measures the database, not the engine. These generators draw from the SAME distributions as
``siee.core.demo`` (same occupation pool and weights: ISCO major groups 4, 5, 7, 8, 9 weight 1, groups 2 and
3 weight 0.25, the demo's common ISCO codes x12; 0-3 experiences with months in {3..60} and kinds formal /
informal / self-employed; 2-6 essential skills of the main occupation; the main occupation desired plus a
second one 40 % of the time; the demo's education, wage-factor, municipality, status, availability, consent
and migration shares; vacancies with 3-5 essential and 0-2 optional skills of their occupation, the demo's
experience, wage, contract and hours choices), vectorised with numpy. Skills are drawn with replacement and
duplicates dropped (a few people get one skill fewer than drawn).

The taxonomy (ESCO occupations, skills and links, municipalities) is the real one, read from a SIEE
database (``load_taxonomy``).
"""

from __future__ import annotations

import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from siee.matching import engine as E  # noqa: E402

MINIMUM_WAGE = 1_423_500
BGA = ("68001", "68276", "68307", "68547")
BGA_WEIGHTS = (0.52, 0.24, 0.13, 0.11)


def setup_database(url: str | None = None):
    """Django set-up on a database with the reference data (loaded if missing)."""
    if url:
        os.environ["SIEE_DATABASE_URL"] = url
    os.environ.setdefault("SIEE_REFERENCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    from siee.cli import ensure_database, setup_django

    setup_django()
    ensure_database()


def load_taxonomy():
    """(Taxonomy, optional-skills CSR occupation x skill, municipality indexes of the Bucaramanga area)."""
    import scipy.sparse as sp

    from siee.core.selectors import find_territory
    from siee.matching.index_store import build_taxonomy
    from siee.taxonomy.models import OccupationSkill

    tax = build_taxonomy()
    rows, cols = [], []
    for o, s in OccupationSkill.objects.filter(essential=False).values_list("occupation_id", "skill_id").iterator():
        oi, si = tax.occupation_index(o), tax.skill_index(s)
        if oi >= 0 and si >= 0:
            rows.append(oi)
            cols.append(si)
    optional = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                             shape=(tax.occupation_ids.size, tax.skill_ids.size))
    munis = np.array([tax.municipality_index(find_territory(c).pk) for c in BGA])
    return tax, optional, munis


def occupation_pool(tax) -> tuple[np.ndarray, np.ndarray]:
    from siee.core.demo_names import COMMON_ISCO

    common = {int(c) for c in COMMON_ISCO}
    major = np.where(tax.occupation_isco >= 0, tax.occupation_isco // 1000, -1)
    w = np.where(np.isin(major, [4, 5, 7, 8, 9]), 1.0, np.where(np.isin(major, [2, 3]), 0.25, 0.0))
    w *= np.where(np.isin(tax.occupation_isco, list(common)), 12.0, 1.0)
    has_skills = tax.essential_count > 0
    w *= has_skills
    pool = np.flatnonzero(w)
    return pool, w[pool] / w[pool].sum()


def _pick(rng, items, weights, size):
    weights = np.asarray(weights, dtype=float)
    return np.asarray(items)[rng.choice(len(items), size=size, p=weights / weights.sum())]


def _sample_row_items(rng, csr, rows: np.ndarray, k: np.ndarray):
    """For each i, up to k[i] items of csr row rows[i] (drawn with replacement, duplicates dropped)."""
    starts = csr.indptr[rows]
    lens = csr.indptr[rows + 1] - starts
    k = np.where(lens > 0, k, 0)
    owner = np.repeat(np.arange(rows.size), k)
    pos = starts[owner] + (rng.random(owner.size) * lens[owner]).astype(np.int64)
    items = csr.indices[pos].astype(np.int64)
    pair = np.unique(owner.astype(np.int64) * (csr.shape[1] + 1) + items)
    return pair // (csr.shape[1] + 1), pair % (csr.shape[1] + 1)


def generate_people(tax, munis, n: int, seed: int = 1, *, first_id: int = 1):
    """Column arrays for PeopleIndex(...) with the demo's distributions."""
    rng = np.random.default_rng(seed)
    pool, pw = occupation_pool(tax)
    n_levels = max(1, len(set(tax.education_ranks.values())))
    ranks = np.array(sorted(set(tax.education_ranks.values())) or [1])
    lw = np.array([4, 8, 14, 34, 18, 10, 10, 1.5, 0.4, 0.1][:n_levels] + [0.1] * max(0, n_levels - 10))
    n_exp = rng.choice([1, 1, 2, 2, 3], size=n)
    n_exp[rng.random(n) < 0.12] = 0
    exp_owner = np.repeat(np.arange(n), n_exp)
    exp_occ = pool[rng.choice(pool.size, size=exp_owner.size, p=pw)]
    exp_months = rng.choice([3, 6, 8, 12, 18, 24, 36, 48, 60], size=exp_owner.size).astype(np.float32)
    first = np.cumsum(n_exp) - n_exp
    has_exp = n_exp > 0
    main = np.full(n, -1, np.int64)
    main[has_exp] = exp_occ[first[has_exp]]
    k = rng.integers(2, 7, size=n)
    sk_rows, sk_cols = _sample_row_items(rng, tax.essential, np.where(has_exp, main, 0), np.where(has_exp, k, 0))
    d_rows = [np.flatnonzero(has_exp)]
    d_cols = [main[has_exp]]
    extra = rng.random(n) < np.where(has_exp, 0.4, 0.7)
    d_rows.append(np.flatnonzero(extra))
    d_cols.append(pool[rng.choice(pool.size, size=int(extra.sum()), p=pw)])
    d_rows, d_cols = np.concatenate(d_rows), np.concatenate(d_cols)
    key = np.unique(d_rows.astype(np.int64) * (tax.occupation_ids.size + 1) + d_cols)
    d_rows, d_cols = key // (tax.occupation_ids.size + 1), key % (tax.occupation_ids.size + 1)
    migrant = rng.random(n) < 0.30
    doc = rng.choice(5, size=n, p=np.array([60, 12, 15, 8, 5]) / 100)  # PPT PEP PASSPORT CI_VE CE
    mig = np.zeros(n, np.int8)
    mig[migrant & np.isin(doc, [0, 1, 4])] = 2
    mig[migrant & (doc == 2)] = np.where(rng.random(int((migrant & (doc == 2)).sum())) < 0.5, 2, 3)
    ve = migrant & (doc == 3)
    mig[ve] = np.array([4, 3, 3, 5])[rng.integers(0, 4, size=int(ve.sum()))]
    mig[~migrant & (rng.random(n) < 0.03)] = 1
    wage = MINIMUM_WAGE * rng.choice([1.0, 1.1, 1.25, 1.5, 1.8, 2.2, 3.0, 4.0], size=n,
                                     p=np.array([35, 15, 15, 12, 10, 7, 4, 2]) / 100)
    wage = np.round(wage / 50_000) * 50_000
    wage[rng.random(n) >= 0.8] = np.nan
    status_active = rng.random(n) < 0.85
    available = rng.random(n) >= 0.05
    consent = rng.random(n) < 0.95
    return dict(
        person_ids=np.arange(first_id, first_id + n, dtype=np.int64),
        municipality=_pick(rng, munis, BGA_WEIGHTS, n), education_rank=_pick(rng, ranks, lw, n),
        expected_wage=wage.astype(np.float32), max_hours=np.full(n, np.nan, np.float32),
        willing_to_relocate=rng.random(n) < 0.25, eligible=status_active & available & consent,
        migration_class=mig, sex=_pick(rng, [0, 1, 3], [52, 47.5, 0.5], n).astype(np.int8),
        disability=rng.random(n) < 0.05,
        skill_rows=sk_rows, skill_cols=sk_cols, exp_rows=exp_owner, exp_cols=exp_occ, exp_months=exp_months,
        desired_rows=d_rows, desired_cols=d_cols,
    )


def generate_vacancies(tax, optional, munis, m: int, seed: int = 2, *, all_open: bool = True) -> list:
    rng = np.random.default_rng(seed)
    pool, pw = occupation_pool(tax)
    ranks = sorted(set(tax.education_ranks.values()))[:6]
    occ = pool[rng.choice(pool.size, size=m, p=pw)]
    r_rows, r_cols = _sample_row_items(rng, tax.essential, occ, rng.integers(3, 6, size=m))
    o_rows, o_cols = _sample_row_items(rng, optional, occ, rng.integers(0, 3, size=m))
    req = [[] for _ in range(m)]
    for r, c in zip(r_rows.tolist(), r_cols.tolist(), strict=True):
        req[r].append(c)
    opt = [[] for _ in range(m)]
    for r, c in zip(o_rows.tolist(), o_cols.tolist(), strict=True):
        opt[r].append(c)
    edu_choices = ranks + [-1, -1]
    contracts = ["fixed", "indefinite", "work", "services", "temporary", "apprenticeship"]
    out = []
    for i in range(m):
        wage_min = max(MINIMUM_WAGE, round(MINIMUM_WAGE * rng.choice([1.0, 1.1, 1.25, 1.5, 2.0, 2.5, 3.5], p=np.array(
            [45, 12, 12, 12, 10, 6, 3]) / 100) / 50_000) * 50_000)
        wage_max = math.nan if rng.random() < 0.4 else round(wage_min * rng.choice([1.0, 1.15, 1.3, 1.5]) / 50_000) * 50_000
        contract = contracts[rng.choice(6, p=np.array([35, 30, 15, 10, 7, 3]) / 100)]
        out.append(E.VacancyQuery(
            occupation=int(occ[i]), essential_skills=req[i], optional_skills=opt[i],
            education_rank=int(edu_choices[rng.integers(0, len(edu_choices))]),
            experience_months=float(rng.choice([0, 0, 6, 6, 12, 12, 24, 36])), wage_min=float(wage_min),
            wage_max=float(wage_max), hours_per_week=float(rng.choice([46, 46, 46, 44, 48, 36, 24])),
            municipality=int(_pick(rng, munis, BGA_WEIGHTS, 1)[0]), contract_type=contract,
            open_to_migrants=bool(rng.random() < 0.9), is_open=all_open or bool(rng.random() < 0.8), country="CO",
            vacancy_id=i + 1))
    return out


def build_index(tax, cols: dict) -> E.PeopleIndex:
    cols = dict(cols)
    ids = cols.pop("person_ids")
    return E.PeopleIndex(tax, ids, **cols)


def person_text(tax, index: E.PeopleIndex, row: int) -> str:
    rec = index.record(row)
    words = [tax.occupation_labels[o] for o in rec.experience] + [tax.occupation_labels[o] for o in rec.desired]
    words += [tax.skill_labels[s] for s in rec.skills]
    return " ".join(words)


def vacancy_text(tax, q: E.VacancyQuery) -> str:
    words = [tax.occupation_labels[q.occupation]] if q.occupation >= 0 else []
    words += [tax.skill_labels[s] for s in q.essential_skills] + [tax.skill_labels[s] for s in q.optional_skills]
    return " ".join(words)
