"""Every built-in indicator on the hand-built dataset of test_obs_indicators_data.py (expected values computed by hand there)."""

from __future__ import annotations

import pytest
from test_obs_indicators_data import build

from siee.observatory import services
from siee.observatory.facts import refresh_facts
from siee.observatory.library import LIBRARY

# Santander (68), 2026Q3, disclosure off (the dataset is far below the threshold on purpose).
EXPECTED = {
    "people_registered": 4,  # P1, P2, P3, P4 (P5 is Q2, P6 merged, P7 Cali)
    "active_seekers": 3,  # P1, P2, P5 (cumulative stock: active and registered by 2026-09-30)
    "women_share_registered": 50.0,  # P1, P2 of 4
    "youth_share_registered": 50.0,  # P1 (26), P3 (21) of 4
    "disability_share_registered": 25.0,  # P3 of 4
    "migrant_share_registered": 50.0,  # P2 regular, P4 irregular of 4
    "vacancies_posted": 3,  # V1, V2, V3 (V4 draft, V5 Q2)
    "posts_offered": 6,  # 2 + 1 + 3
    "posts_per_vacancy": 2.0,  # 6 / 3
    "employers_registered": 1,  # E1 (E2 is Q2)
    "applications": 3,
    "referrals": 4,  # R1-R4 (R5 withdrawn)
    "placements": 3,  # PL1, PL2, PL3 (PL0 is Q2)
    "placement_rate": 75.0,  # 3 / 4 x 100
    "referrals_per_placement": 1.333333,  # 4 / 3
    "post_coverage": 50.0,  # 3 / 6 x 100
    "median_time_to_fill": 21.0,  # V1 07-05 -> PL1 07-20 = 15, -> PL2 08-01 = 27; median (15 + 27) / 2
    "median_days_to_placement": 30.0,  # P1 07-10 -> 07-20 = 10, P2 07-02 -> 08-01 = 30, P4 07-01 -> 09-10 = 71
    "formal_placement_share": 66.666667,  # PL1, PL3 of 3
    "retention_3m": 50.0,  # F1 employed, F3 not (F4 not done)
    "retention_6m": 0.0,  # F2 not employed
    "retention_12m": 100.0,  # F5 employed
    "median_wage_offered": 1_500_000.0,  # V1 1.4M, V2 1.6M (V3 has no wage)
    "median_expected_wage": 1_600_000.0,  # P1 1.5M, P2 1.6M, P3 1.8M (P4 none)
    "wage_offered_vs_expected": 93.75,  # 1.5M / 1.6M x 100
    "median_placement_wage": 1_500_000.0,  # 1.45M, 1.5M, 2.0M
    "migrant_share_placements": 66.666667,  # P2, P4 of 3
    "women_share_placements": 66.666667,  # P1, P2 of 3
}


@pytest.fixture
def dataset(db):
    data = build()
    refresh_facts()
    return data


def test_library_has_at_least_25_indicators_each_tested_here():
    codes = [d["code"] for d in LIBRARY]
    assert len(codes) >= 25
    assert len(set(codes)) == len(codes)
    assert set(codes) == set(EXPECTED) | {"top_skills_demanded", "top_skills_missing"}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_builtin_indicator_value(dataset, code):
    result = services.compute(code, territory="68", period="2026Q3", disclosure=False)
    assert result.value == pytest.approx(EXPECTED[code], abs=1e-6)
    assert result.suppressed is False
    assert result.territory == "68" and result.period == "2026Q3"


def test_top_skills_demanded(dataset):
    result = services.compute("top_skills_demanded", territory="68", period="2026Q3", disclosure=False)
    # V1 cocinar + manipulacion, V2 cocinar, V3 python: cocinar 2, then manipulacion 1 and python 1.
    assert result.value is None
    assert result.cells[0].label == "cocinar" and result.cells[0].value == 2.0
    assert sorted((c.label, c.value) for c in result.cells[1:]) == [("manipulacion", 1.0), ("python", 1.0)]


def test_top_skills_missing(dataset):
    result = services.compute("top_skills_missing", territory="68", period="2026Q3", disclosure=False)
    # Open vacancies by 2026-09-30: V2 cocinar, V3 python, V5 python + ingles -> cocinar 1, python 2, ingles 1.
    # Active seekers: P1 cocinar, P2 cocinar, P5 python -> cocinar 2, python 1.
    # Gap: python 2 - 1 = 1 (demand 2), ingles 1 - 0 = 1 (demand 1), cocinar 1 - 2 < 0 (dropped).
    assert [(c.label, c.value, c.numerator, c.denominator) for c in result.cells] == [
        ("python", 1.0, 2.0, 1.0), ("ingles", 1.0, 1.0, 0.0)]


def test_municipality_and_other_quarter(dataset):
    # Bucaramanga alone: P1, P2, P4 registered in Q3; Q2: P5 only.
    assert services.compute("people_registered", territory="68001", period="2026Q3", disclosure=False).value == 3
    assert services.compute("people_registered", territory="68001", period="2026Q2", disclosure=False).value == 1
    # Cali: P7 only; a month: August 2026 in Santander has no registration (P6 merged).
    assert services.compute("people_registered", territory="76001", period="2026Q3", disclosure=False).value == 1
    assert services.compute("people_registered", territory="68", period="2026-08", disclosure=False).value == 0
    # The year 2026 in Santander: P1-P5.
    assert services.compute("people_registered", territory="68", period="2026", disclosure=False).value == 5


def test_breakdowns_by_sex_territory_age_and_occupation(dataset):
    by_sex = services.compute("people_registered", territory="68", period="2026Q3", breakdown="sex", disclosure=False)
    assert {c.key: c.value for c in by_sex.cells} == {"F": 2.0, "M": 2.0}
    assert {c.key: c.label for c in by_sex.cells} == {"F": "Mujer", "M": "Hombre"}
    by_t = services.compute("people_registered", territory="68", period="2026Q3", breakdown="territory", disclosure=False)
    values = {c.key: c.value for c in by_t.cells}
    assert values["68001"] == 3.0 and values["68276"] == 1.0
    assert sum(values.values()) == 4.0  # every municipality of Santander listed, the others with 0
    by_age = services.compute("people_registered", territory="68", period="2026Q3", breakdown="age_group", disclosure=False)
    assert [(c.key, c.value) for c in by_age.cells] == [("18-24", 1.0), ("25-28", 1.0), ("29-39", 1.0), ("55+", 1.0)]
    by_isco1 = services.compute("vacancies_posted", territory="68", period="2026Q3", breakdown="isco1", disclosure=False)
    assert {c.key: c.value for c in by_isco1.cells} == {"2": 1.0, "5": 2.0}
    by_isco4 = services.compute("posts_offered", territory="68", period="2026Q3", breakdown="isco4", disclosure=False)
    assert {c.key: c.value for c in by_isco4.cells} == {"2512": 3.0, "5120": 3.0}
    by_sector = services.compute("vacancies_posted", territory="68", period="2026Q3", breakdown="isic_section",
                                 disclosure=False)
    assert {c.key: c.value for c in by_sector.cells} == {"I": 2.0, "J": 1.0}
    by_size = services.compute("placements", territory="68", period="2026Q3", breakdown="employer_size", disclosure=False)
    assert {c.key: c.value for c in by_size.cells} == {"small": 2.0, "large": 1.0}
    rate_by_sex = services.compute("placement_rate", territory="68", period="2026Q3", breakdown="sex", disclosure=False)
    # Women: placements P1, P2 / referrals R1, R2 = 100 %; men: P4 placed / R3, R4 = 50 %.
    assert {c.key: (c.value, c.numerator, c.denominator) for c in rate_by_sex.cells} == {
        "F": (100.0, 2.0, 2.0), "M": (50.0, 1.0, 2.0)}
    mig = services.compute("people_registered", territory="68", period="2026Q3", breakdown="migratory_status",
                           disclosure=False)
    assert {c.key: c.value for c in mig.cells} == {"national": 2.0, "regular": 1.0, "irregular": 1.0}
    dis = services.compute("people_registered", territory="68", period="2026Q3", breakdown="disability", disclosure=False)
    assert {c.key: c.value for c in dis.cells} == {"N": 3.0, "S": 1.0}
    nat = services.compute("people_registered", territory="68", period="2026Q3", breakdown="nationality", disclosure=False)
    assert {c.key: c.value for c in nat.cells} == {"CO": 2.0, "VE": 2.0}


def test_median_breakdown_is_exact(dataset):
    by_sex = services.compute("median_days_to_placement", territory="68", period="2026Q3", breakdown="sex",
                              disclosure=False)
    # Women: 10 and 30 -> 20; men: 71.
    assert {c.key: c.value for c in by_sex.cells} == {"F": 20.0, "M": 71.0}


def test_series_one_total_per_period(dataset):
    from siee.observatory.periods import last_n, parse_period

    results = services.series("placements", territory="68", periods=last_n(parse_period("2026Q3"), 3), disclosure=False)
    assert [(r.period, r.value) for r in results] == [("2026Q1", 0.0), ("2026Q2", 1.0), ("2026Q3", 3.0)]


def test_compute_all_totals_and_requested_breakdowns(dataset):
    results = services.compute_all(territory="68", period="2026Q3", breakdowns=["sex", "territory"], disclosure=False)
    totals = {r.code: r.value for r in results if r.breakdown is None}
    for code, expected in EXPECTED.items():
        assert totals[code] == pytest.approx(expected, abs=1e-6), code
    # Rankings have no breakdown; every other indicator has both.
    assert {r.code for r in results if r.breakdown == "sex" and r.code in EXPECTED} == (set(EXPECTED) - {"vacancies_posted", "posts_offered",
            "posts_per_vacancy", "employers_registered", "median_wage_offered", "wage_offered_vs_expected",
            "post_coverage"})
    assert len([r for r in results if r.breakdown == "territory" and r.code in EXPECTED]) == len(EXPECTED)


def test_unknown_territory_period_breakdown_are_domain_errors(dataset):
    from siee.core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        services.compute("placements", territory="99999", period="2026Q3")
    assert exc.value.field == "territory"
    with pytest.raises(DomainError) as exc:
        services.compute("placements", territory="68", period="2026Q5")
    assert exc.value.field == "period"
    with pytest.raises(DomainError) as exc:
        services.compute("vacancies_posted", territory="68", period="2026Q3", breakdown="sex")
    assert exc.value.field == "breakdown"
    with pytest.raises(DomainError) as exc:
        services.compute("no_such_indicator", territory="68", period="2026Q3")
    assert exc.value.field == "code"


def test_new_records_are_picked_up_automatically(dataset):
    from test_obs_indicators_data import at

    from siee.people.models import Person

    p = dataset["people"][1]
    Person.objects.filter(pk=p.pk).update(registered_at=at("2026-07-10"))
    clone = Person.objects.get(pk=p.pk)
    clone.pk = None
    clone.document_number = "77777777"
    clone.save()
    Person.objects.filter(pk=clone.pk).update(registered_at=at("2026-08-15"))
    # A new row raises the source fingerprint (max id): the next computation re-aggregates that measure.
    assert services.compute("people_registered", territory="68", period="2026Q3", disclosure=False).value == 5
