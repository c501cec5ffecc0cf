"""The pure engine on hand-built arrays: exact component values, filters, sensitive attributes, pruning."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from tiny import cook_vacancy, index_of, person, random_people, taxonomy

from siee.matching import engine as E
from siee.matching import explain as X
from siee.matching.weights import ENGINE_VERSION, Weights


def haversine(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@pytest.fixture
def tax():
    return taxonomy()


@pytest.fixture
def three(tax):
    people = [
        person(1, municipality=0, education_rank=3, expected_wage=1_500_000, skills=(0, 1), experience={0: 24},
               desired=(0,)),
        person(2, municipality=1, education_rank=2, expected_wage=2_500_000, experience={1: 6}, desired=(2,)),
        person(3, municipality=0, migration_class=4, skills=(0,), experience={3: 12}),
    ]
    return index_of(tax, people)


def test_component_values_are_exact(tax, three):
    idf = {s: math.log(4 / (1 + df)) + 1 for s, df in {0: 2, 1: 1, 4: 0}.items()}
    assert three.idf[[0, 1, 4]] == pytest.approx([idf[0], idf[1], idf[4]], rel=1e-6)
    res = E.rank_people(three, cook_vacancy(), Weights(), top=10)
    assert res.ids.tolist() == [1, 2]  # person 3 is an irregular migrant: no labour contract in CO
    c1 = {k: float(v[0]) for k, v in res.components.items()}
    cov = (2 * idf[0] + 2 * idf[1]) / (2 * idf[0] + 2 * idf[1] + idf[4])
    assert c1 == pytest.approx({"occupation": 1.0, "skills": cov, "experience": 1.0, "education": 1.0,
                                "location": 1.0, "wage": 1.0, "hours": 1.0, "preferences": 1.0}, rel=1e-5)
    assert float(res.scores[0]) == pytest.approx(0.25 + 0.25 * cov + 0.15 + 0.10 + 0.10 + 0.05 + 0.02 + 0.08, rel=1e-5)

    c2 = {k: float(v[1]) for k, v in res.components.items()}
    d = haversine(7.1193, -73.1227, 7.0647, -73.0860)
    expected = {"occupation": 0.75,  # chef: same ISCO unit group 5120
                "skills": 0.0,
                "experience": 0.75 * 6 / 12,  # 6 months as chef count at the occupation similarity
                "education": 1 - 0.35,  # one rank below the minimum
                "location": math.exp(-d / 25),
                "wage": 1 - 2 * (2_500_000 - 1_800_000) / 1_800_000,
                "hours": 1.0,
                "preferences": 0.3}  # wants to be a waiter: same ISCO sub-major group 51
    assert c2 == pytest.approx(expected, rel=1e-5)
    w = Weights().as_dict()
    assert float(res.scores[1]) == pytest.approx(sum(w[k] * v for k, v in expected.items()) / sum(w.values()), rel=1e-5)


def test_related_occupation_through_shared_essential_skills(tax):
    sim, kind = tax.occupation_similarity(0)  # cocinero {cocinar, hornear}
    # panadero {hornear, decorar}: different ISCO major group, Jaccard 1/3 -> 0.6 * 1/3
    assert float(sim[4]) == pytest.approx(0.2, rel=1e-6) and int(kind[4]) == E.REL_RELATED
    # ayudante de cocina {limpiar, cocinar}: Jaccard 1/3 as well
    assert float(sim[3]) == pytest.approx(0.2, rel=1e-6)
    assert float(sim[0]) == 1.0 and float(sim[1]) == 0.75 and float(sim[2]) == pytest.approx(0.3)


def test_vacancy_without_skills_leaves_skills_out_of_the_mean(tax, three):
    q = cook_vacancy(essential_skills=[], optional_skills=[])
    res = E.rank_people(three, q, Weights(), top=1)
    assert "skills" not in res.applied
    assert float(res.scores[0]) == pytest.approx(1.0)  # every other component of person 1 is 1.0
    expl = X.explain(tax, three.record(int(res.rows[0])), q, Weights(), float(res.scores[0]),
                     X.components_row(res, 0), res.applied)
    assert expl["notes"] == [X.NO_SKILLS_NOTE]
    assert expl["components"]["skills"]["applied"] is False


def test_explanation_names_matched_and_missing_skills(tax, three):
    q = cook_vacancy()
    res = E.rank_people(three, q, Weights(), top=2)
    expl = X.explain(tax, three.record(int(res.rows[0])), q, Weights(), float(res.scores[0]),
                     X.components_row(res, 0), res.applied)
    assert expl["engine_version"] == ENGINE_VERSION
    assert expl["matched_skills"] == [{"id": 1, "label": "cocinar", "essential": True},
                                      {"id": 2, "label": "hornear", "essential": True}]
    assert expl["missing_skills"] == [{"id": 5, "label": "decorar", "essential": False}]
    assert expl["components"]["occupation"]["text"] == "Tiene experiencia como cocinero (misma ocupación)."
    assert expl["components"]["skills"]["text"].startswith("Tiene 2 de 2 habilidades requeridas y 0 de 1 deseables")
    assert set(expl["components"]) == {"occupation", "skills", "experience", "education", "location", "wage",
                                       "hours", "preferences"}
    employer = X.for_employer(expl)
    assert employer["components"]["wage"]["text"] == "Aspiración salarial compatible con la oferta."
    assert "1.500.000" not in str(employer)


@pytest.mark.parametrize("field", ["sex", "disability", "migration_class"])
def test_sensitive_attributes_do_not_change_the_score(tax, field):
    people = random_people(tax, 60, seed=3)
    for p in people:
        p.eligible = True
        p.migration_class = 0
    idx = index_of(tax, people)
    q = cook_vacancy()
    before = E.rank_people(idx, q, Weights(), top=60)
    flipped = {"sex": 1, "disability": True, "migration_class": 2}[field]  # 2 = regular migrant: legal for all
    for p in people:
        setattr(p, field, flipped)
    idx2 = index_of(tax, people)
    after = E.rank_people(idx2, q, Weights(), top=60)
    assert after.ids.tolist() == before.ids.tolist()
    assert after.scores.tolist() == before.scores.tolist()


def test_filters_exclude_ineligible_people(tax):
    people = [person(1, experience={0: 12}), person(2, experience={0: 12}, eligible=False),
              person(3, experience={0: 12}, migration_class=4), person(4, experience={0: 12}, migration_class=2)]
    idx = index_of(tax, people)
    assert E.rank_people(idx, cook_vacancy(), Weights(), top=10).ids.tolist() == [1, 4]
    # a civil services contract is not restricted for undocumented migrants
    assert E.rank_people(idx, cook_vacancy(contract_type="services"), Weights(), top=10).ids.tolist() == [1, 3, 4]
    # a vacancy closed to migrants excludes every migrant class
    res = E.rank_people(idx, cook_vacancy(open_to_migrants=False), Weights(), top=10)
    assert res.ids.tolist() == [1] and res.total_eligible == 1
    # scope: only municipality 1 allowed -> nobody (all live in 0)
    mask = np.array([False, True, False, False])
    assert E.rank_people(idx, cook_vacancy(), Weights(), top=10, allowed_munis=mask).total_eligible == 0


def test_closed_vacancies_and_illegal_contracts_are_not_offered(tax):
    rec = person(1, experience={0: 12}, migration_class=4)
    vi = E.VacancyIndex(tax, [cook_vacancy(vacancy_id=1), cook_vacancy(vacancy_id=2, is_open=False),
                              cook_vacancy(vacancy_id=3, contract_type="services")])
    res = E.rank_vacancies(vi, rec, Weights(), np.ones(5, np.float32), top=10)
    assert res.ids.tolist() == [3]


def test_both_directions_give_the_same_score(tax):
    people = random_people(tax, 80, seed=5)
    idx = index_of(tax, people)
    queries = [cook_vacancy(vacancy_id=i, occupation=i % 5, municipality=i % 4, education_rank=(i % 5) - 1,
                            experience_months=[0, 6, 24][i % 3], essential_skills=[i % 5], optional_skills=[(i + 2) % 5])
               for i in range(10)]
    vi = E.VacancyIndex(tax, queries)
    for q in queries:
        res = E.rank_people(idx, q, Weights(), top=80, exhaustive=True)
        for i, row in enumerate(res.rows[:20]):
            rec = idx.record(int(row))
            pair, _ = E.score_pair(tax, rec, q, Weights(), idx.idf)
            assert pair == pytest.approx(float(res.scores[i]), abs=1e-5)
            back = E.rank_vacancies(vi, rec, Weights(), idx.idf, top=10)
            pos = back.ids.tolist().index(q.vacancy_id)
            assert float(back.scores[pos]) == pytest.approx(float(res.scores[i]), abs=1e-5)


@pytest.mark.parametrize("scan_share", [0.125, 0.0, 2.0])  # default, always by column, always by row
@pytest.mark.parametrize("seed", range(6))
def test_pruned_ranking_equals_exhaustive_ranking(tax, seed, scan_share, monkeypatch):
    monkeypatch.setattr(E, "COLUMN_SCAN_SHARE", scan_share)
    rng = np.random.default_rng(seed)
    idx = index_of(tax, random_people(tax, 400, seed=seed))
    for _ in range(8):
        q = cook_vacancy(occupation=int(rng.integers(0, 5)), municipality=int(rng.integers(0, 4)),
                         essential_skills=list(rng.choice(5, size=int(rng.integers(0, 3)), replace=False)),
                         contract_type=str(rng.choice(["fixed", "services"])))
        top, offset = int(rng.integers(1, 30)), int(rng.integers(0, 5))
        kwargs = {}
        if rng.random() < 0.3:
            kwargs["min_score"] = float(rng.choice([0.3, 0.6, 0.8]))
        if rng.random() < 0.3:
            kwargs["allowed_munis"] = np.array([True, True, False, False])
        fast = E.rank_people(idx, q, Weights(), top=top, offset=offset, **kwargs)
        full = E.rank_people(idx, q, Weights(), top=top, offset=offset, exhaustive=True, **kwargs)
        assert fast.ids.tolist() == full.ids.tolist()
        assert fast.scores.tolist() == pytest.approx(full.scores.tolist(), abs=1e-6)
        assert fast.total_eligible == full.total_eligible


def test_ties_are_broken_by_person_id(tax):
    people = [person(pid, experience={0: 12}) for pid in (5, 3, 9, 1)]
    res = E.rank_people(index_of(tax, people), cook_vacancy(), Weights(), top=3)
    assert res.ids.tolist() == [1, 3, 5]


def test_incremental_update_touches_one_row_and_never_rebuilds(tax):
    people = random_people(tax, 200, seed=11)
    for p in people:
        p.eligible, p.migration_class = True, 0
    idx = index_of(tax, people)
    builds = E.PeopleIndex.builds_total
    q = cook_vacancy()
    before = dict(zip(*[a.tolist() for a in (lambda r: (r.ids, r.scores))(
        E.rank_people(idx, q, Weights(), top=200))], strict=True))
    target = people[17]
    changed = person(target.person_id, **{**target.__dict__, "skills": (0, 1, 4), "experience": {0: 36},
                                          "person_id": target.person_id})
    idx.upsert(changed)
    after_res = E.rank_people(idx, q, Weights(), top=200)
    after = dict(zip(after_res.ids.tolist(), after_res.scores.tolist(), strict=True))
    assert after[target.person_id] > before[target.person_id]
    assert {k: v for k, v in after.items() if k != target.person_id} == {
        k: v for k, v in before.items() if k != target.person_id}
    assert E.PeopleIndex.builds_total == builds and idx.builds == 1 and idx.updates == 1
    # pruned and exhaustive agree on the overlay too
    full = E.rank_people(idx, q, Weights(), top=200, exhaustive=True)
    assert full.ids.tolist() == after_res.ids.tolist()


def test_new_person_and_compaction(tax):
    idx = index_of(tax, random_people(tax, 50, seed=2), compact_at=3)
    for pid in (1000, 1001, 1002, 7):
        idx.upsert(person(pid, skills=(0, 1), experience={0: 24}, desired=(0,)))
    assert idx.row_of(1000) >= 0 and idx.record(idx.row_of(1001)).skills == (0, 1)
    assert len(idx.experience.overlay) == 1  # compacted after three dirty rows; the fourth is pending
    res = E.rank_people(idx, cook_vacancy(), Weights(), top=5)
    full = E.rank_people(idx, cook_vacancy(), Weights(), top=5, exhaustive=True)
    assert res.ids.tolist() == full.ids.tolist()
    assert {1000, 1001, 1002, 7} <= set(E.rank_people(idx, cook_vacancy(), Weights(), top=60).ids.tolist())
    idx.remove(1000)
    assert 1000 not in E.rank_people(idx, cook_vacancy(), Weights(), top=60).ids.tolist()


def test_empty_index_and_unknown_occupation(tax):
    idx = index_of(tax, [])
    res = E.rank_people(idx, cook_vacancy(), Weights(), top=10)
    assert res.ids.tolist() == [] and res.total_eligible == 0
    idx = index_of(tax, [person(1, experience={0: 12})])
    res = E.rank_people(idx, cook_vacancy(occupation=-1), Weights(), top=10)
    assert res.ids.tolist() == [1] and float(res.components["occupation"][0]) == 0.0


def test_engine_core_imports_no_django():
    code = ("import sys; import siee.matching.engine, siee.matching.explain, siee.matching.weights, "
            "siee.matching.sparse_rows; assert 'django' not in sys.modules, sorted(m for m in sys.modules "
            "if m.startswith('django'))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_row_and_column_reads_give_identical_scores(tax, monkeypatch):
    idx = index_of(tax, random_people(tax, 300, seed=9))
    q = cook_vacancy(occupation=3, essential_skills=[0, 3], optional_skills=[1])
    monkeypatch.setattr(E, "COLUMN_SCAN_SHARE", 0.0)
    by_column = E.rank_people(idx, q, Weights(), top=300, exhaustive=True)
    monkeypatch.setattr(E, "COLUMN_SCAN_SHARE", 2.0)
    by_row = E.rank_people(idx, q, Weights(), top=300, exhaustive=True)
    assert by_column.ids.tolist() == by_row.ids.tolist()
    assert by_column.scores.tolist() == by_row.scores.tolist()
