"""A hand-built taxonomy and people index for the engine's unit tests (no database)."""

from __future__ import annotations

import math

import numpy as np

from siee.matching import engine as E

# occupations: 0 cocinero 5120, 1 chef 5120 (same unit group), 2 mesero 5131 (same minor 513? no: 5131 -> minor 513),
# 3 ayudante de cocina 9412, 4 panadero 7512 (shares 'hornear' with cocinero)
OCC_LABELS = ["cocinero", "chef", "mesero", "ayudante de cocina", "panadero"]
OCC_ISCO = [5120, 5120, 5131, 9412, 7512]
SKILLS = ["cocinar", "hornear", "servir", "limpiar", "decorar"]
# essential links: cocinero {cocinar, hornear}; chef {cocinar, decorar}; mesero {servir}; ayudante {limpiar, cocinar};
# panadero {hornear, decorar}
ESSENTIAL = [(0, 0), (0, 1), (1, 0), (1, 4), (2, 2), (3, 3), (3, 0), (4, 1), (4, 4)]
MUNI_LAT = [7.1193, 7.0647, 6.9848, 3.4516]  # Bucaramanga, Floridablanca, Piedecuesta, Cali
MUNI_LON = [-73.1227, -73.0860, -73.0498, -76.5320]
MUNI_NAMES = ["Bucaramanga", "Floridablanca", "Piedecuesta", "Cali"]


def taxonomy() -> E.Taxonomy:
    return E.Taxonomy(
        occupation_ids=[10, 11, 12, 13, 14], occupation_isco=OCC_ISCO, occupation_labels=OCC_LABELS,
        skill_ids=[1, 2, 3, 4, 5], skill_labels=SKILLS,
        essential_occ=[o for o, _ in ESSENTIAL], essential_skill=[s for _, s in ESSENTIAL],
        municipality_ids=[100, 101, 102, 200], municipality_lat=MUNI_LAT, municipality_lon=MUNI_LON,
        municipality_names=MUNI_NAMES, education_ranks={1: 1, 2: 2, 3: 3, 4: 4},
    )


def person(pid: int, **kw) -> E.PersonRecord:
    base = dict(person_id=pid, municipality=0, education_rank=3, expected_wage=math.nan, max_hours=math.nan,
                willing_to_relocate=False, eligible=True, migration_class=0, sex=0, disability=False,
                skills=(), experience={}, desired=())
    base.update(kw)
    return E.PersonRecord(**base)


def index_of(tax, people: list[E.PersonRecord], **kw) -> E.PeopleIndex:
    sr, sc, er, ec, em, dr, dc = [], [], [], [], [], [], []
    for i, p in enumerate(people):
        sr += [i] * len(p.skills)
        sc += list(p.skills)
        for o, m in p.experience.items():
            er.append(i)
            ec.append(o)
            em.append(m)
        dr += [i] * len(p.desired)
        dc += list(p.desired)
    col = lambda name: [getattr(p, name) for p in people]  # noqa: E731
    return E.PeopleIndex(
        tax, col("person_id"), municipality=col("municipality"), education_rank=col("education_rank"),
        expected_wage=col("expected_wage"), max_hours=col("max_hours"), willing_to_relocate=col("willing_to_relocate"),
        eligible=col("eligible"), migration_class=col("migration_class"), sex=col("sex"), disability=col("disability"),
        skill_rows=sr, skill_cols=sc, exp_rows=er, exp_cols=ec, exp_months=em, desired_rows=dr, desired_cols=dc, **kw)


def cook_vacancy(**kw) -> E.VacancyQuery:
    base = dict(occupation=0, essential_skills=[0, 1], optional_skills=[4], education_rank=3, experience_months=12,
                wage_min=1_400_000, wage_max=1_800_000, hours_per_week=48, municipality=0, contract_type="fixed",
                open_to_migrants=True, is_open=True, country="CO", vacancy_id=7)
    base.update(kw)
    return E.VacancyQuery(**base)


def random_people(tax, n: int, seed: int = 0) -> list[E.PersonRecord]:
    rng = np.random.default_rng(seed)
    out = []
    for pid in range(1, n + 1):
        k = int(rng.integers(0, 4))
        exp = {int(o): float(rng.choice([0, 3, 12, 30])) for o in rng.choice(5, size=k, replace=False)}
        out.append(person(
            pid, municipality=int(rng.integers(-1, 4)), education_rank=int(rng.integers(-1, 5)),
            expected_wage=float(rng.choice([math.nan, 1_300_000, 1_700_000, 2_500_000, 4_000_000])),
            max_hours=float(rng.choice([math.nan, 36, 48])), willing_to_relocate=bool(rng.random() < 0.3),
            eligible=bool(rng.random() < 0.85), migration_class=int(rng.integers(0, 6)), sex=int(rng.integers(0, 4)),
            disability=bool(rng.random() < 0.1),
            skills=tuple(int(s) for s in rng.choice(5, size=int(rng.integers(0, 4)), replace=False)),
            experience=exp, desired=tuple(int(o) for o in rng.choice(5, size=int(rng.integers(0, 3)), replace=False)),
        ))
    return out
