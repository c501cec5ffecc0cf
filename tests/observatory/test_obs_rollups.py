"""Roll-ups of the fact table: which ones a refresh keeps, and that reading them gives exactly what the full facts
give (they are the same sums), including stocks read from one accumulated month and an analyst filter added
after the last refresh."""

from __future__ import annotations

import pytest
from test_obs_indicators_data import build

from factories import make_actors
from siee.observatory import services
from siee.observatory.facts import refresh_facts, refresh_incremental
from siee.observatory.models import FactFillState, ObservatoryFact

PLACES = [("68", "2026Q3"), ("68001", "2026Q3"), ("68", "2026"), ("68276", "2026-09"), ("CO", "2026Q2"),
          ("68", "2026Q4")]


@pytest.fixture
def dataset(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    data = build()
    refresh_facts()
    return data


def grains(measure: str) -> set[str]:
    return set(FactFillState.objects.get(measure=measure).grains)


def results(breakdowns=("sex", "territory")) -> list[dict]:
    out = []
    for territory, period in PLACES:
        out += [r.to_dict() for r in services.compute_all(territory=territory, period=period,
                                                          breakdowns=list(breakdowns), disclosure=False)]
    return out


def drop_rollups() -> None:
    ObservatoryFact.objects.exclude(grain="").delete()
    FactFillState.objects.update(grains=[])


def test_refresh_keeps_the_rollups_the_indicators_need(dataset):
    assert {"=", "=sex", "=age_group", "=isco4", "=employer_size"} <= grains("referrals")
    assert {"=migratory_status,sex", "=isco4,migratory_status,sex"} <= grains("placements")
    assert {"cum=", "cum=sex", "=sex"} <= grains("people_active")  # active_seekers is a stock
    assert grains("skill_supply_active") == {"cum="}  # rankings: month x municipality x item already
    assert grains("skill_demand") == set()
    # A roll-up has the same count as the full facts it sums.
    full = sum(ObservatoryFact.objects.filter(measure="referrals", grain="").values_list("count", flat=True))
    by_sex = sum(ObservatoryFact.objects.filter(measure="referrals", grain="=sex").values_list("count", flat=True))
    assert full == by_sex == 4


def test_rollups_give_exactly_what_the_full_facts_give(dataset):
    breakdowns = ["sex", "territory", "age_group", "isco1", "education_level"]
    with_rollups = results(breakdowns)
    drop_rollups()
    assert results(breakdowns) == with_rollups


def test_stock_reads_one_accumulated_month(dataset):
    # active_seekers at the end of 2026Q3 in Bucaramanga: P1, P2 (July) and P5 (June).
    r = services.compute("active_seekers", territory="68001", period="2026Q3", breakdown="sex", disclosure=False)
    assert (r.value, {c.key: c.value for c in r.cells}) == (3.0, {"F": 3.0})
    # Snapshots run up to the last month with an active person registered anywhere (P7, Cali, August).
    assert not ObservatoryFact.objects.filter(measure="people_active", month__gte="2026-09-01").exists()
    snapshot = ObservatoryFact.objects.filter(measure="people_active", grain="cum=sex", month="2026-08-01",
                                              territory_id=dataset["territories"]["68001"].pk)
    assert list(snapshot.values_list("sex", "count")) == [("F", 3)]
    later = services.compute("active_seekers", territory="68001", period="2027Q1", disclosure=False)
    assert later.value == 3.0  # no new registration since: the last snapshot carries the stock


def test_new_analyst_filter_reads_full_facts_until_the_refresh_adds_its_rollups(dataset):
    admin = make_actors().admin
    services.save_definition({"code": "venezuelan_referrals", "name": "Remisiones de venezolanos", "kind": "count",
                              "measure": {"measure": "referrals", "filters": {"nationality": "VE"}},
                              "unit": "remisiones"}, actor=admin)
    before = services.compute("venezuelan_referrals", territory="68", period="2026Q3", breakdown="sex",
                              disclosure=False)
    assert "=nationality,sex" not in grains("referrals")
    assert (before.value, {c.key: c.value for c in before.cells}) == (2.0, {"F": 1.0, "M": 1.0})  # R2 (P2), R4 (P4)
    refresh_incremental()  # the roll-ups changed: the measure is rebuilt whole with its new ones
    assert {"=nationality", "=nationality,sex"} <= grains("referrals")
    after = services.compute("venezuelan_referrals", territory="68", period="2026Q3", breakdown="sex",
                             disclosure=False)
    assert after.to_dict() == before.to_dict()
