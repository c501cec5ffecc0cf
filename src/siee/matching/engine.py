"""The matching engine: columnar people index and vectorised scoring (numpy + scipy.sparse, no Django).

Components (each in [0, 1]; the score is their weighted mean, see ``weights.py``):

occupation
    Best similarity between the vacancy's occupation and an occupation the person has experience in:
    same ESCO occupation 1.0; same ISCO-08 unit group (4 digits) 0.75; same minor group (3 digits) 0.5;
    same sub-major group (2 digits) 0.3; otherwise "related" occupations through shared essential skills:
    0.6 x Jaccard(essential skills) when the Jaccard index is at least 0.1. The larger value wins.
skills
    Coverage of the vacancy's skills by the person's skills, each skill weighted by its rarity among the
    indexed people (IDF = ln((1 + N) / (1 + people with the skill)) + 1) and essential (required) skills
    counting twice as much as optional (desired) ones. Left out of the score when the vacancy lists no skills.
experience
    Months in the vacancy's occupation, formal, informal and self-employed alike; months in other
    occupations count in proportion to their occupation similarity. With a requirement of R months:
    min(1, months / R). Without a requirement: 0.5 + 0.5 x min(1, months / 12).
education
    1.0 when the person's ISCED rank meets the vacancy's minimum; 1 - 0.35 per missing rank step (floor 0);
    0.3 when the person's level is unknown; 1.0 for everybody when the vacancy sets no minimum.
location
    Same municipality 1.0; otherwise exp(-distance / 25 km) between municipality centroids (haversine);
    at least 0.7 for people willing to relocate; 0.2 when a centroid is unknown.
wage
    1.0 when the expected wage is within the offer (at most the maximum, or the minimum when no maximum);
    otherwise 1 - 2 x (expected - offer) / offer (floor 0); 1.0 when either side is unknown.
hours
    1.0 when the vacancy's weekly hours are within the person's maximum; 1 - 2 x excess / maximum (floor 0);
    1.0 when the person stated no maximum.
preferences
    Best similarity (same scale as occupation) between the vacancy's occupation and the occupations the
    person says they want.

Hard constraints are filters, never scores: consent, active and available person, legal ability to work
(``LegalPolicy``: per country, contract type and the vacancy's openness to migrants), open vacancy, the
actor's territorial scope. Sex, disability and migration status are kept only as filter columns; no
formula reads them (tests flip them and compare scores).

Ranking one vacancy against N people is exact but touches few rows: people sharing no occupation, desired
occupation or skill with the vacancy can only reach ``_outsider_bound``; when the k-th best of the touched
people is above that bound the untouched ones cannot enter the top k. Otherwise every row is scored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from siee.matching.sparse_rows import SparseRows
from siee.matching.weights import COMPONENTS, ENGINE_VERSION, Weights

__all__ = ["ENGINE_VERSION", "Taxonomy", "PeopleIndex", "PersonRecord", "VacancyQuery", "VacancyIndex",
           "LegalPolicy", "RankResult", "rank_people", "rank_vacancies", "score_pair"]

# --- constants of the formulas (documented above) ---------------------------------------------------------
SIM_SAME, SIM_UNIT, SIM_MINOR, SIM_SUBMAJOR = 1.0, 0.75, 0.5, 0.3
RELATED_FACTOR, RELATED_MIN_JACCARD = 0.6, 0.1
ESSENTIAL_FACTOR = 2.0
EDU_STEP, EDU_UNKNOWN = 0.35, 0.3
DIST_SCALE_KM, RELOCATE_FLOOR, LOCATION_UNKNOWN = 25.0, 0.7, 0.2
EXP_NO_REQUIREMENT_MONTHS = 12.0
MIN_EXPERIENCE_MONTHS = 0.5  # a declared experience without duration still counts (and marks the occupation)

# relation kinds (for explanations)
REL_NONE, REL_SAME, REL_UNIT, REL_MINOR, REL_SUBMAJOR, REL_RELATED = 0, 1, 2, 3, 4, 5

MIGRATION_CLASSES = ("national", "returnee", "regular", "in_process", "irregular", "refugee")
MIGRANT_CLASS_CODES = (2, 3, 4, 5)
SEX_CODES = ("F", "M", "I", "X")
FORMAL_CONTRACTS = frozenset({"indefinite", "fixed", "work", "temporary", "apprenticeship"})


@dataclass(frozen=True)
class LegalPolicy:
    """Who may legally take which contract, per country: {country: {migration status: forbidden contracts}}.

    Default: in CO, CL, EC and PE a migrant without documents ("irregular") cannot sign a labour contract
    (indefinite, fixed-term, per work, temporary, apprenticeship); civil service contracts are not restricted
    here. A vacancy with open_to_migrants=False excludes every migrant class (regular, in process, irregular,
    refugee); nationals and returnees are never excluded by this policy.
    """

    forbidden: dict = field(default_factory=lambda: {
        c: {"irregular": FORMAL_CONTRACTS} for c in ("CO", "CL", "EC", "PE")})

    def allowed_classes(self, *, country: str, contract_type: str, open_to_migrants: bool) -> np.ndarray:
        ok = np.ones(len(MIGRATION_CLASSES), dtype=bool)
        for status, contracts in self.forbidden.get(country, {}).items():
            if contract_type in contracts and status in MIGRATION_CLASSES:
                ok[MIGRATION_CLASSES.index(status)] = False
        if not open_to_migrants:
            ok[list(MIGRANT_CLASS_CODES)] = False
        return ok


# --- taxonomy ---------------------------------------------------------------------------------------------

class Taxonomy:
    """Occupations (ISCO codes as ints), skills, the occupation x essential-skill matrix, municipalities."""

    def __init__(self, *, occupation_ids, occupation_isco, occupation_labels, skill_ids, skill_labels,
                 essential_occ, essential_skill, municipality_ids, municipality_lat, municipality_lon,
                 municipality_names, education_ranks: dict | None = None):
        self.occupation_ids = np.asarray(occupation_ids, dtype=np.int64)
        self.occupation_isco = np.asarray(occupation_isco, dtype=np.int32)  # -1 unknown
        self.occupation_labels = list(occupation_labels)
        self.skill_ids = np.asarray(skill_ids, dtype=np.int64)
        self.skill_labels = list(skill_labels)
        n_occ, n_sk = self.occupation_ids.size, self.skill_ids.size
        ess = sp.coo_matrix((np.ones(len(essential_occ), np.float32), (np.asarray(essential_occ, np.int64),
                                                                      np.asarray(essential_skill, np.int64))),
                            shape=(n_occ, n_sk)).tocsr()
        ess.data[:] = 1.0
        ess.sum_duplicates()
        ess.data[:] = 1.0
        self.essential = ess
        self.essential_count = np.asarray(ess.sum(axis=1)).ravel().astype(np.float32)
        self.municipality_ids = np.asarray(municipality_ids, dtype=np.int64)
        self.municipality_lat = np.asarray(municipality_lat, dtype=np.float64)  # NaN unknown
        self.municipality_lon = np.asarray(municipality_lon, dtype=np.float64)
        self.municipality_names = list(municipality_names)
        self.education_ranks = dict(education_ranks or {})
        self._occ_pos = {int(v): i for i, v in enumerate(self.occupation_ids)}
        self._skill_pos = {int(v): i for i, v in enumerate(self.skill_ids)}
        self._muni_pos = {int(v): i for i, v in enumerate(self.municipality_ids)}
        self._sim_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._loc_cache: dict[int, np.ndarray] = {}

    def location_table(self, muni: int) -> np.ndarray:
        table = self._loc_cache.get(muni)
        if table is None:
            table = self._loc_cache[muni] = location_table(self, muni)
        return table

    def occupation_index(self, occupation_id) -> int:
        return self._occ_pos.get(int(occupation_id), -1) if occupation_id is not None else -1

    def skill_index(self, skill_id) -> int:
        return self._skill_pos.get(int(skill_id), -1) if skill_id is not None else -1

    def municipality_index(self, municipality_id) -> int:
        return self._muni_pos.get(int(municipality_id), -1) if municipality_id is not None else -1

    def occupation_similarity(self, occ: int) -> tuple[np.ndarray, np.ndarray]:
        """(similarity to every occupation, relation kind) for occupation index `occ`. Symmetric; cached."""
        cached = self._sim_cache.get(occ)
        if cached is not None:
            return cached
        n = self.occupation_ids.size
        sim = np.zeros(n, dtype=np.float32)
        kind = np.zeros(n, dtype=np.int8)
        if 0 <= occ < n:
            isco = int(self.occupation_isco[occ])
            if isco >= 0:
                codes = self.occupation_isco
                for level, (div, value, rel) in enumerate(((100, SIM_SUBMAJOR, REL_SUBMAJOR),
                                                           (10, SIM_MINOR, REL_MINOR), (1, SIM_UNIT, REL_UNIT))):
                    del level
                    hit = (codes >= 0) & (codes // div == isco // div)
                    sim[hit] = value
                    kind[hit] = rel
            a, b = self.essential.indptr[occ], self.essential.indptr[occ + 1]
            mine = self.essential.indices[a:b]
            if mine.size:
                indicator = np.zeros(self.skill_ids.size, np.float32)
                indicator[mine] = 1.0
                overlap = (self.essential @ indicator).astype(np.float32)
                union = self.essential_count + mine.size - overlap
                with np.errstate(divide="ignore", invalid="ignore"):
                    jac = np.where(union > 0, overlap / union, 0.0).astype(np.float32)
                rel = RELATED_FACTOR * jac
                better = (jac >= RELATED_MIN_JACCARD) & (rel > sim)
                sim[better] = rel[better]
                kind[better] = REL_RELATED
            sim[occ] = SIM_SAME
            kind[occ] = REL_SAME
        if len(self._sim_cache) > 4096:
            self._sim_cache.clear()
        self._sim_cache[occ] = (sim, kind)
        return sim, kind

    def distance_km(self, a: int, b: int) -> float:
        """Haversine km between two municipality indexes (NaN when a centroid is unknown)."""
        n = self.municipality_ids.size
        if not (0 <= a < n and 0 <= b < n):
            return math.nan
        lat1, lon1 = math.radians(self.municipality_lat[a]), math.radians(self.municipality_lon[a])
        lat2, lon2 = math.radians(self.municipality_lat[b]), math.radians(self.municipality_lon[b])
        h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, max(0.0, h)))) if not math.isnan(h) else math.nan

    def distances_from(self, muni: int) -> np.ndarray:
        """Haversine km from municipality index `muni` to every municipality (NaN when unknown)."""
        n = self.municipality_ids.size
        if not 0 <= muni < n:
            return np.full(n, np.nan)
        lat1, lon1 = np.radians(self.municipality_lat[muni]), np.radians(self.municipality_lon[muni])
        lat2, lon2 = np.radians(self.municipality_lat), np.radians(self.municipality_lon)
        h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
        return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


# --- the vacancy side -------------------------------------------------------------------------------------

@dataclass
class VacancyQuery:
    """One vacancy in index coordinates (indexes into the Taxonomy arrays; -1 = unknown / none)."""

    occupation: int = -1
    essential_skills: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    optional_skills: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    education_rank: int = -1
    experience_months: float = 0.0
    wage_min: float = math.nan
    wage_max: float = math.nan
    hours_per_week: float = math.nan
    municipality: int = -1
    contract_type: str = "indefinite"
    open_to_migrants: bool = True
    is_open: bool = True
    country: str = "CO"
    vacancy_id: int = 0

    def __post_init__(self):
        self.essential_skills = np.unique(np.asarray(self.essential_skills, dtype=np.int64))
        opt = np.unique(np.asarray(self.optional_skills, dtype=np.int64))
        self.optional_skills = np.setdiff1d(opt, self.essential_skills)

    @property
    def has_skills(self) -> bool:
        return bool(self.essential_skills.size or self.optional_skills.size)

    @property
    def wage_offer(self) -> float:
        return self.wage_max if not math.isnan(self.wage_max) else self.wage_min


# --- component formulas (vectorised; shared by both directions so the two agree exactly) ------------------

def education_value(person_rank, required_rank):
    person_rank = np.asarray(person_rank, dtype=np.float32)
    required_rank = np.asarray(required_rank, dtype=np.float32)
    value = np.clip(1.0 - EDU_STEP * (required_rank - person_rank), 0.0, 1.0)
    value = np.where(person_rank < 0, EDU_UNKNOWN, value)
    return np.where(required_rank < 0, 1.0, value).astype(np.float32)


def experience_value(months, required):
    months = np.asarray(months, dtype=np.float32)
    required = np.asarray(required, dtype=np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        met = np.minimum(1.0, months / np.where(required > 0, required, 1.0))
    free = 0.5 + 0.5 * np.minimum(1.0, months / EXP_NO_REQUIREMENT_MONTHS)
    return np.where(required > 0, met, free).astype(np.float32)


def wage_value(expected, offer):
    expected = np.asarray(expected, dtype=np.float32)
    offer = np.asarray(offer, dtype=np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.clip(1.0 - 2.0 * (expected - offer) / offer, 0.0, 1.0)
    v = np.where(expected <= offer, 1.0, v)
    return np.where(np.isnan(expected) | np.isnan(offer) | (offer <= 0), 1.0, v).astype(np.float32)


def hours_value(max_hours, hours):
    max_hours = np.asarray(max_hours, dtype=np.float32)
    hours = np.asarray(hours, dtype=np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.clip(1.0 - 2.0 * (hours - max_hours) / max_hours, 0.0, 1.0)
    v = np.where(hours <= max_hours, 1.0, v)
    return np.where(np.isnan(max_hours) | np.isnan(hours) | (max_hours <= 0), 1.0, v).astype(np.float32)


def location_table(tax: Taxonomy, muni: int) -> np.ndarray:
    """Location value by person municipality index; the last slot (index -1) is 'unknown municipality'."""
    n = tax.municipality_ids.size
    table = np.full(n + 1, LOCATION_UNKNOWN, dtype=np.float32)
    if 0 <= muni < n:
        d = tax.distances_from(muni)
        known = ~np.isnan(d)
        table[:n][known] = np.exp(-d[known] / DIST_SCALE_KM)
        table[muni] = 1.0
    return table


def skill_weights(q: VacancyQuery, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """(skill columns, weight of each, total weight) of a vacancy: essential x2, optional x1, times IDF."""
    cols = np.concatenate([q.essential_skills, q.optional_skills])
    w = np.concatenate([ESSENTIAL_FACTOR * idf[q.essential_skills], idf[q.optional_skills]]).astype(np.float32)
    return cols, w, float(w.sum())


# --- the people index -------------------------------------------------------------------------------------

@dataclass
class PersonRecord:
    """One person in index coordinates (what the adapter reads from the database)."""

    person_id: int
    municipality: int = -1
    education_rank: int = -1
    expected_wage: float = math.nan
    max_hours: float = math.nan
    willing_to_relocate: bool = False
    eligible: bool = True  # consent given, active, available (computed by the adapter)
    migration_class: int = 0  # index into MIGRATION_CLASSES (filter only)
    sex: int = 3  # index into SEX_CODES (filter only)
    disability: bool = False  # filter only
    skills: tuple = ()  # skill indexes
    experience: dict = field(default_factory=dict)  # occupation index -> months
    desired: tuple = ()  # occupation indexes


_DENSE = (("municipality", np.int32, -1), ("education_rank", np.int16, -1), ("expected_wage", np.float32, np.nan),
          ("max_hours", np.float32, np.nan), ("willing_to_relocate", bool, False), ("eligible", bool, False),
          ("migration_class", np.int8, 0), ("sex", np.int8, 3), ("disability", bool, False))


class PeopleIndex:
    """Columnar index of people: dense per-person arrays plus three SparseRows matrices.

    skills      people x skills (1.0 per held skill)
    experience  people x occupations (months, formal + informal + self-employed)
    desired     people x occupations (1.0 per desired occupation)

    `builds` counts full builds (class-wide and per instance) so tests can prove an update did not rebuild.
    """

    builds_total = 0

    def __init__(self, tax: Taxonomy, person_ids, *, municipality, education_rank, expected_wage, max_hours,
                 willing_to_relocate, eligible, migration_class, sex=None, disability=None,
                 skill_rows=(), skill_cols=(), exp_rows=(), exp_cols=(), exp_months=(), desired_rows=(),
                 desired_cols=(), compact_at: int = 2_000):
        PeopleIndex.builds_total += 1
        self.builds = 1
        self.updates = 0
        self.tax = tax
        ids = np.asarray(person_ids, dtype=np.int64)
        n = ids.size
        if np.unique(ids).size != n:
            raise ValueError("person_ids must be unique")
        exp_rows = np.asarray(exp_rows, dtype=np.int64)
        exp_cols = np.asarray(exp_cols, dtype=np.int64)
        months = np.maximum(np.asarray(exp_months, dtype=np.float32), MIN_EXPERIENCE_MONTHS)
        # Rows are laid out by the ISCO code of each person's main occupation (most months): the people a
        # vacancy touches are then mostly neighbours in memory, which makes the gathers cache-friendly.
        main_isco = np.full(n, np.iinfo(np.int32).max, dtype=np.int64)
        if exp_rows.size:
            o = np.lexsort((months, exp_rows))
            last = np.flatnonzero(np.append(exp_rows[o][1:] != exp_rows[o][:-1], True))
            main_isco[exp_rows[o][last]] = tax.occupation_isco[exp_cols[o][last]]
        perm = np.lexsort((ids, main_isco))  # new row -> given position
        inv = np.empty(n, dtype=np.int64)
        inv[perm] = np.arange(n)
        self.n = n
        cap = max(16, n + n // 8)
        self.person_id = np.zeros(cap, dtype=np.int64)
        self.person_id[:n] = ids[perm]
        self._id_order = np.argsort(self.person_id[:n], kind="stable")  # rows sorted by person id
        self._sorted_ids = self.person_id[:n][self._id_order]
        self._extra: dict[int, int] = {}  # people appended after the build: id -> row
        given = {"municipality": municipality, "education_rank": education_rank, "expected_wage": expected_wage,
                 "max_hours": max_hours, "willing_to_relocate": willing_to_relocate, "eligible": eligible,
                 "migration_class": migration_class, "sex": sex, "disability": disability}
        for name, dtype, default in _DENSE:
            arr = np.full(cap, default, dtype=dtype)
            if given[name] is not None:
                arr[:n] = np.asarray(given[name], dtype=dtype)[perm]
            setattr(self, name, arr)
        n_sk, n_occ = tax.skill_ids.size, tax.occupation_ids.size
        skill_rows = inv[np.asarray(skill_rows, dtype=np.int64)]
        self.skills = SparseRows(n, n_sk, skill_rows, skill_cols, np.ones(len(skill_rows), np.float32),
                                 compact_at=compact_at)
        self.experience = SparseRows(n, n_occ, inv[exp_rows], exp_cols, months, compact_at=compact_at)
        desired_rows = inv[np.asarray(desired_rows, dtype=np.int64)]
        self.desired = SparseRows(n, n_occ, desired_rows, desired_cols, np.ones(len(desired_rows), np.float32),
                                  compact_at=compact_at)
        self._refresh_statistics()

    def _refresh_statistics(self) -> None:
        """IDF of each skill over the indexed people, and eligible counts by (municipality, migration class).

        IDF is frozen between builds/compactions on purpose: editing one person must not move everybody
        else's score.
        """
        df = self.skills.column_counts()
        self.idf = (np.log((1.0 + self.n) / (1.0 + df)) + 1.0).astype(np.float32)
        self._recount()

    def _recount(self) -> None:
        n_m = self.tax.municipality_ids.size
        m = self.municipality[: self.n].astype(np.int64)
        m = np.where(m < 0, n_m, m)
        cls = self.migration_class[: self.n].astype(np.int64)
        e = self.eligible[: self.n]
        self._eligible_counts = np.bincount(m[e] * len(MIGRATION_CLASSES) + cls[e],
                                            minlength=(n_m + 1) * len(MIGRATION_CLASSES)).reshape(
            n_m + 1, len(MIGRATION_CLASSES))

    # --- lookups -------------------------------------------------------------------------------------

    def row_of(self, person_id: int) -> int:
        k = int(np.searchsorted(self._sorted_ids, person_id))
        if k < self._sorted_ids.size and self._sorted_ids[k] == person_id:
            return int(self._id_order[k])
        return self._extra.get(int(person_id), -1)

    def nbytes(self) -> int:
        dense = sum(getattr(self, name).nbytes for name, _, _ in _DENSE) + self.person_id.nbytes
        return dense + self.skills.nbytes() + self.experience.nbytes() + self.desired.nbytes()

    def record(self, row: int) -> PersonRecord:
        cols, _ = self.skills.row(row)
        ecols, months = self.experience.row(row)
        dcols, _ = self.desired.row(row)
        return PersonRecord(
            person_id=int(self.person_id[row]), municipality=int(self.municipality[row]),
            education_rank=int(self.education_rank[row]), expected_wage=float(self.expected_wage[row]),
            max_hours=float(self.max_hours[row]), willing_to_relocate=bool(self.willing_to_relocate[row]),
            eligible=bool(self.eligible[row]), migration_class=int(self.migration_class[row]),
            sex=int(self.sex[row]), disability=bool(self.disability[row]), skills=tuple(int(c) for c in cols),
            experience={int(c): float(m) for c, m in zip(ecols, months, strict=True)},
            desired=tuple(int(c) for c in dcols))

    # --- incremental update --------------------------------------------------------------------------

    def upsert(self, rec: PersonRecord) -> int:
        """Insert or replace one person. Touches that row only (plus an amortised append); returns the row."""
        row = self.row_of(rec.person_id)
        if row < 0:
            row = self._append(rec.person_id)
        self._count(row, -1)
        for name, _, _ in _DENSE:
            getattr(self, name)[row] = getattr(rec, name)
        self._count(row, +1)
        self.skills.set_row(row, list(rec.skills), np.ones(len(rec.skills), np.float32))
        ecols = list(rec.experience.keys())
        months = np.maximum(np.asarray([rec.experience[c] for c in ecols], dtype=np.float32), MIN_EXPERIENCE_MONTHS)
        self.experience.set_row(row, ecols, months)
        self.desired.set_row(row, list(rec.desired), np.ones(len(rec.desired), np.float32))
        self.updates += 1
        return row

    def _count(self, row: int, delta: int) -> None:
        """Keep the eligible counts by (municipality, migration class) in step with one row's change."""
        if self.eligible[row]:
            m = int(self.municipality[row])
            self._eligible_counts[m if m >= 0 else -1, int(self.migration_class[row])] += delta

    def remove(self, person_id: int) -> None:
        row = self.row_of(person_id)
        if row >= 0:
            self._count(row, -1)
            self.eligible[row] = False
            self.updates += 1

    def _append(self, person_id: int) -> int:
        if self.n >= self.person_id.size:
            cap = max(16, self.n * 2)
            for name in ("person_id", *[d[0] for d in _DENSE]):
                old = getattr(self, name)
                default = next((d[2] for d in _DENSE if d[0] == name), 0)
                new = np.full(cap, default, dtype=old.dtype)
                new[: self.n] = old[: self.n]
                setattr(self, name, new)
        row = self.n
        self.n += 1
        self.person_id[row] = person_id
        self._extra[int(person_id)] = row
        return row

    def eligible_count(self, allowed_munis: np.ndarray | None, allowed_classes: np.ndarray) -> int:
        counts = self._eligible_counts[:, allowed_classes]
        if allowed_munis is not None:
            counts = counts[np.append(allowed_munis, False)]
        return int(counts.sum())


# --- ranking people for one vacancy -----------------------------------------------------------------------

@dataclass
class RankResult:
    rows: np.ndarray  # index rows (or vacancy positions), best first
    ids: np.ndarray  # person ids (or vacancy ids)
    scores: np.ndarray
    components: dict  # component -> values for `rows`
    total_eligible: int
    applied: tuple  # components that entered the score
    exhaustive: bool = False  # True when the whole index had to be scored
    examined: int = 0  # rows whose score was computed


def _occupation_entries(matrix: SparseRows, sim: np.ndarray):
    nz = np.flatnonzero(sim)
    rows, which, vals = matrix.column_entries(nz)
    return rows, sim[nz][which], vals


def _top_k(scores: np.ndarray, ids: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best scores, best first, ties broken by ascending id (deterministic)."""
    m = scores.size
    if k <= 0 or m == 0:
        return np.empty(0, np.int64)
    if m > k:
        part = np.argpartition(-scores, k - 1)[:k]
        kth = scores[part].min()
        cand = np.flatnonzero(scores >= kth)
    else:
        cand = np.arange(m)
    order = np.lexsort((ids[cand], -scores[cand]))
    return cand[order[:k]]


def _row_max(n_rows: int, which: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per-row maximum of non-negative values grouped by `which` (rows without values get 0)."""
    out = np.zeros(n_rows, np.float32)
    if which.size:
        np.maximum.at(out, which, values.astype(np.float32, copy=False))
    return out


# (occupation-similarity threshold, include common skills) tried in turn before scoring every row
TIERS = ((1.0, False), (0.5, False), (0.3, True), (0.0, True))
COMMON_SKILL_SHARE = 0.01
COLUMN_SCAN_SHARE = 0.125  # scoring more rows than this share of the index reads the matrices by column


def rank_people(index: PeopleIndex, q: VacancyQuery, weights: Weights, *, top: int = 20, offset: int = 0,
                allowed_munis: np.ndarray | None = None, policy: LegalPolicy | None = None,
                migrant: bool | None = None, sex: str | None = None, min_score: float | None = None,
                exhaustive: bool = False) -> RankResult:
    """Rank the index's eligible people for a vacancy: top `top` after `offset`, best first.

    Exact pruning: candidates are the people linked to the vacancy through an occupation of similarity at
    least a tier threshold (experience or desired) or through one of its skills. Everybody else scores at
    most `bound` (their occupation and preference values are below the threshold, their skills value is 0);
    when the k-th best candidate beats that bound the answer is final, otherwise the next tier is tried and
    finally every row is scored.
    """
    policy = policy or LegalPolicy()
    tax = index.tax
    n = index.n
    classes = policy.allowed_classes(country=q.country, contract_type=q.contract_type,
                                     open_to_migrants=q.open_to_migrants)
    if migrant is True:
        classes[[0, 1]] = False
    elif migrant is False:
        classes[list(MIGRANT_CLASS_CODES)] = False
    w = weights.as_dict()
    applied = tuple(c for c in COMPONENTS if not (c == "skills" and not q.has_skills))
    wsum = sum(w[c] for c in applied)
    share = {c: np.float32(w[c] / wsum) for c in applied if w[c]}
    k = max(0, offset) + max(0, top)

    sim, _ = tax.occupation_similarity(q.occupation) if q.occupation >= 0 else (
        np.zeros(tax.occupation_ids.size, np.float32), None)
    skill_cols, sw, stotal = skill_weights(q, index.idf)
    skill_w = np.zeros(tax.skill_ids.size, np.float32)
    if stotal > 0:
        skill_w[skill_cols] = sw / stotal
    loc_tab = tax.location_table(q.municipality)
    offer = q.wage_offer
    exp0 = float(experience_value(0.0, q.experience_months))
    dense_max = sum(w[c] for c in ("education", "location", "wage", "hours")) / wsum
    muni_ok = None if allowed_munis is None else np.append(allowed_munis, False)
    sex_code = SEX_CODES.index(sex) if sex is not None else None

    def eligible(rows):
        ok = index.eligible[rows] & classes[index.migration_class[rows]]
        if muni_ok is not None:
            ok &= muni_ok[index.municipality[rows]]
        if sex_code is not None:
            ok &= index.sex[rows] == sex_code
        return rows[ok]

    examined = [0]

    def sparse_by_rows(rows):
        """Occupation, months, preference and skills values of the given rows, read row by row (CSR)."""
        m = rows.size
        which, cols, months = index.experience.row_entries(rows)
        s = sim[cols]
        occ = _row_max(m, which, s)
        mon = np.bincount(which, weights=s * months, minlength=m).astype(np.float32)
        which, cols, _ = index.desired.row_entries(rows)
        pref = _row_max(m, which, sim[cols])
        skl = np.zeros(m, np.float32)
        if stotal > 0:
            which, cols, _ = index.skills.row_entries(rows)
            skl = np.minimum(np.bincount(which, weights=skill_w[cols], minlength=m), 1.0).astype(np.float32)
        return occ, mon, pref, skl

    def sparse_by_columns(rows):
        """The same values for many rows, read column by column (CSC) into whole-index arrays."""
        nz = np.flatnonzero(sim)
        r, which, months = index.experience.column_entries(nz)
        s = sim[nz][which]
        occ = _row_max(n, r, s)
        mon = np.bincount(r, weights=s * months, minlength=n).astype(np.float32)
        r, which, _ = index.desired.column_entries(nz)
        pref = _row_max(n, r, sim[nz][which])
        skl = np.zeros(n, np.float32)
        if stotal > 0:
            r, which, _ = index.skills.column_entries(skill_cols)
            skl = np.minimum(np.bincount(r, weights=skill_w[skill_cols][which], minlength=n), 1.0).astype(np.float32)
        return occ[rows], mon[rows], pref[rows], skl[rows]

    def score(rows):
        m = rows.size
        examined[0] += m
        occ, mon, pref, skl = (sparse_by_columns if m > COLUMN_SCAN_SHARE * n else sparse_by_rows)(rows)
        loc = loc_tab[index.municipality[rows]]
        comp = {
            "occupation": occ, "skills": skl, "experience": experience_value(mon, q.experience_months),
            "education": education_value(index.education_rank[rows], q.education_rank),
            "location": np.where(index.willing_to_relocate[rows], np.maximum(loc, RELOCATE_FLOOR), loc),
            "wage": wage_value(index.expected_wage[rows], offer),
            "hours": hours_value(index.max_hours[rows], q.hours_per_week),
            "preferences": pref,
        }
        total = np.zeros(m, np.float32)
        for c, sh in share.items():
            total += sh * comp[c]
        return np.clip(total, 0.0, 1.0), comp

    def finish(rows, scores, comp, total, exhaustive_):
        if min_score is not None:
            keep = scores >= min_score
            rows, scores, comp = rows[keep], scores[keep], {c: v[keep] for c, v in comp.items()}
            if exhaustive_:
                total = int(rows.size)
        best = _top_k(scores, index.person_id[rows], k)[offset:]
        return RankResult(rows=rows[best], ids=index.person_id[rows[best]], scores=scores[best],
                          components={c: v[best] for c, v in comp.items()}, total_eligible=total,
                          applied=applied, exhaustive=exhaustive_, examined=examined[0])

    if not exhaustive and sex is None and k > 0:
        mark = np.zeros(n + 1, dtype=bool)
        # skills held by more than COMMON_SKILL_SHARE of the people are added only in the later tiers
        df = np.diff(index.skills.csc.indptr)[skill_cols] if skill_cols.size else np.empty(0, np.int64)
        common = df > COMMON_SKILL_SHARE * max(n, 1)
        marked_skills = np.zeros(skill_cols.size, dtype=bool)
        for tau, all_skills in TIERS:
            take = ~marked_skills & (~common | all_skills)
            if stotal > 0 and take.any():
                r, _, _ = index.skills.column_entries(skill_cols[take])
                mark[r] = True
                marked_skills |= take
            missing_skill_w = float(sw[~marked_skills].sum() / stotal) if stotal > 0 else 0.0
            high = np.flatnonzero(sim >= tau) if tau > 0 else np.flatnonzero(sim)
            for matrix in (index.experience, index.desired):
                r, _, _ = matrix.column_entries(high)
                mark[r] = True
            rest = sim[(sim < tau) & (sim > 0)] if tau > 0 else sim[:0]
            s_low = float(rest.max()) if rest.size else 0.0
            bound = (share.get("occupation", 0) * s_low + share.get("preferences", 0) * s_low
                     + share.get("experience", 0) * (1.0 if s_low > 0 else exp0)
                     + share.get("skills", 0) * min(1.0, missing_skill_w)) + dense_max
            rows = eligible(np.flatnonzero(mark[:n]))
            scores, comp = score(rows)
            if min_score is not None and min_score > bound + 1e-6:
                return finish(rows, scores, comp, int((scores >= min_score).sum()), False)
            if min_score is None and int((scores > bound + 1e-6).sum()) >= k:
                total = index.eligible_count(allowed_munis, classes)
                return finish(rows, scores, comp, total, False)
    rows = eligible(np.arange(n))
    scores, comp = score(rows)
    return finish(rows, scores, comp, int(rows.size), True)


# --- ranking vacancies for one person ---------------------------------------------------------------------

class VacancyIndex:
    """Columnar vacancies: occupation, essential/optional skill matrices, requirements, conditions, flags."""

    def __init__(self, tax: Taxonomy, queries: list[VacancyQuery]):
        self.tax = tax
        self.queries = queries
        m = len(queries)
        n_sk = tax.skill_ids.size
        self.vacancy_id = np.array([q.vacancy_id for q in queries], dtype=np.int64)
        self.occupation = np.array([q.occupation for q in queries], dtype=np.int64)
        self.education_rank = np.array([q.education_rank for q in queries], dtype=np.float32)
        self.experience_months = np.array([q.experience_months for q in queries], dtype=np.float32)
        self.wage_offer = np.array([q.wage_offer for q in queries], dtype=np.float32)
        self.hours = np.array([q.hours_per_week for q in queries], dtype=np.float32)
        self.municipality = np.array([q.municipality for q in queries], dtype=np.int64)
        self.is_open = np.array([q.is_open for q in queries], dtype=bool)
        self.has_skills = np.array([q.has_skills for q in queries], dtype=bool)

        def matrix(attr):
            rows = np.concatenate([np.full(getattr(q, attr).size, i) for i, q in enumerate(queries)] or [[]])
            cols = np.concatenate([getattr(q, attr) for q in queries] or [[]])
            return sp.csr_matrix((np.ones(rows.size, np.float32), (rows.astype(np.int64), cols.astype(np.int64))),
                                 shape=(m, n_sk))

        self.essential = matrix("essential_skills")
        self.optional = matrix("optional_skills")


def rank_vacancies(vindex: VacancyIndex, person: PersonRecord, weights: Weights, idf: np.ndarray, *,
                   top: int = 20, offset: int = 0, policy: LegalPolicy | None = None) -> RankResult:
    """Rank the open vacancies the person may legally take, with the same component formulas."""
    policy = policy or LegalPolicy()
    tax = vindex.tax
    m = vindex.vacancy_id.size
    w = weights.as_dict()
    n_occ = tax.occupation_ids.size
    occ_best = np.zeros(n_occ, np.float32)
    months_by_occ = np.zeros(n_occ, np.float32)
    for o, mo in person.experience.items():
        sim, _ = tax.occupation_similarity(o)
        np.maximum(occ_best, sim, out=occ_best)
        months_by_occ += sim * np.float32(max(mo, MIN_EXPERIENCE_MONTHS))
    pref_best = np.zeros(n_occ, np.float32)
    for o in person.desired:
        np.maximum(pref_best, tax.occupation_similarity(o)[0], out=pref_best)
    vocc = vindex.occupation
    known = vocc >= 0
    pick = np.where(known, vocc, 0)
    has = np.zeros(tax.skill_ids.size, np.float32)
    has[list(person.skills)] = 1.0
    idf_has = idf * has
    num = ESSENTIAL_FACTOR * (vindex.essential @ idf_has) + vindex.optional @ idf_has
    den = ESSENTIAL_FACTOR * (vindex.essential @ idf) + vindex.optional @ idf
    with np.errstate(divide="ignore", invalid="ignore"):
        skl = np.where(den > 0, np.minimum(1.0, num / den), 0.0).astype(np.float32)
    # location: distances from the person's municipality (symmetric) to each vacancy's municipality
    loc_tab = tax.location_table(person.municipality)
    loc = loc_tab[vindex.municipality]
    if person.willing_to_relocate:
        loc = np.maximum(loc, RELOCATE_FLOOR)
    comp = {
        "occupation": np.where(known, occ_best[pick], 0.0).astype(np.float32),
        "skills": skl,
        "experience": experience_value(np.where(known, months_by_occ[pick], 0.0), vindex.experience_months),
        "education": education_value(np.float32(person.education_rank), vindex.education_rank),
        "location": loc.astype(np.float32),
        "wage": wage_value(np.float32(person.expected_wage), vindex.wage_offer),
        "hours": hours_value(np.float32(person.max_hours), vindex.hours),
        "preferences": np.where(known, pref_best[pick], 0.0).astype(np.float32),
    }
    wsum = np.full(m, sum(w[c] for c in COMPONENTS), dtype=np.float32)
    wsum -= np.where(vindex.has_skills, 0.0, w["skills"]).astype(np.float32)
    total = np.zeros(m, np.float32)
    for c in COMPONENTS:
        if not w[c]:
            continue
        share = (np.float32(w[c]) / wsum).astype(np.float32)
        if c == "skills":
            share = np.where(vindex.has_skills, share, 0.0).astype(np.float32)
        total += share * comp[c]
    total = np.clip(total, 0.0, 1.0)
    ok = vindex.is_open.copy()
    if not person.eligible:
        ok[:] = False
    for i, q in enumerate(vindex.queries):
        if ok[i]:
            ok[i] = policy.allowed_classes(country=q.country, contract_type=q.contract_type,
                                           open_to_migrants=q.open_to_migrants)[person.migration_class]
    pos = np.flatnonzero(ok)
    best = _top_k(total[pos], vindex.vacancy_id[pos], max(0, offset) + max(0, top))[offset:]
    sel = pos[best]
    return RankResult(rows=sel, ids=vindex.vacancy_id[sel], scores=total[sel],
                      components={c: v[sel] for c, v in comp.items()}, total_eligible=int(pos.size),
                      applied=tuple(COMPONENTS), exhaustive=True)


def score_pair(tax: Taxonomy, person: PersonRecord, q: VacancyQuery, weights: Weights,
               idf: np.ndarray) -> tuple[float, dict]:
    """Score and component values of one pair (no filters): the reference the fast paths are tested against."""
    vq = VacancyQuery(**{**q.__dict__, "is_open": True})
    res = rank_vacancies(VacancyIndex(tax, [vq]), PersonRecord(**{**person.__dict__, "eligible": True,
                                                                  "migration_class": 0}),
                         weights, idf, top=1)
    return float(res.scores[0]), {c: float(v[0]) for c, v in res.components.items()}
