"""Territory loaders: starter set, idempotency, upgrade to the official files, paths, custom groups.

The tests hold whatever the session database contains (starter set, or the reference files when
../shared/data was found) and only assert what a load guarantees in either case.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from siee.core.loaders import STARTER_FILE, create_territory_group, load_territories
from siee.core.models import Territory, TerritoryLevel

pytestmark = pytest.mark.django_db

REFERENCE_DIR = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data").resolve()
BUCARAMANGA_METRO = {"68001": "Bucaramanga", "68276": "Floridablanca", "68307": "Girón", "68547": "Piedecuesta"}


@pytest.fixture
def reference_dir() -> Path:
    if not (REFERENCE_DIR / "geo" / "co.csv").is_file():
        pytest.skip("reference data (../shared/data) not available")
    return REFERENCE_DIR


def _starter_rows() -> list[dict]:
    with STARTER_FILE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _level_counts(country: str) -> dict[int, int]:
    return dict(sorted(Counter(Territory.objects.filter(country=country).values_list("level", flat=True)).items()))


def test_starter_file_covers_every_first_level_unit_and_the_main_cities():
    rows = _starter_rows()
    level1 = Counter(r["country"] for r in rows if r["level"] == "1")
    assert level1 == {"CO": 33, "CL": 16, "EC": 24, "PE": 25}
    assert {r["code"] for r in rows if r["level"] == "0"} == {"CO", "CL", "EC", "PE"}
    codes = {(r["country"], r["code"]): r for r in rows}
    for code in ["68001", "68276", "68307", "68547", "76001", "11001", "05001", "54001", "08001", "13001"]:
        assert codes[("CO", code)]["parent_code"] == code[:2]
    level2 = Counter(r["country"] for r in rows if r["level"] == "2")
    assert all(n >= 10 for n in level2.values()) and level2["CO"] > max(level2["CL"], level2["EC"], level2["PE"])
    for r in rows:  # every code begins with its parent's code, parents come first
        if r["level"] not in ("0", "1"):
            assert r["code"].startswith(r["parent_code"]) and (r["country"], r["parent_code"]) in codes


def test_starter_load_returns_the_file_counts_and_is_idempotent():
    rows = _starter_rows()
    expected = {}
    for r in rows:
        expected.setdefault(r["country"], Counter())[int(r["level"])] += 1
    first = load_territories(source_dir=None)
    assert first["source"] == "starter" and first["total"] == len(rows)
    assert first["countries"] == {c: dict(sorted(levels.items())) for c, levels in sorted(expected.items())}
    assert first["created"] + first["updated"] + first["unchanged"] == len(rows)
    ids = _ids()
    total = Territory.objects.count()
    second = load_territories(source_dir=None)
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, len(rows))
    assert Territory.objects.count() == total
    assert _ids() == ids
    assert Territory.objects.filter(source="starter").count() >= len(rows)


def test_paths_select_exact_subtrees():
    load_territories(source_dir=None)
    santander = Territory.objects.get(country="CO", code="68")
    bucaramanga = Territory.objects.get(country="CO", code="68001")
    assert (santander.path, bucaramanga.path) == ("CO/68/", "CO/68/68001/")
    assert bucaramanga.path.startswith(santander.path) and bucaramanga.parent_id == santander.pk
    assert santander.parent.code == "CO" and santander.parent.level == TerritoryLevel.COUNTRY
    subtree = Territory.objects.filter(path__startswith=santander.path).exclude(pk=santander.pk)
    assert set(subtree.values_list("code", flat=True)) == set(
        Territory.objects.filter(country="CO", level=2, code__startswith="68").values_list("code", flat=True))
    assert set(BUCARAMANGA_METRO) <= set(subtree.values_list("code", flat=True))
    # no sibling is a prefix of another: department 05 does not contain 50001 (Villavicencio, Meta)
    assert not Territory.objects.filter(path__startswith="CO/05/", code="50001").exists()
    for t in Territory.objects.exclude(level=TerritoryLevel.GROUP).select_related("parent"):
        assert t.path == (f"{t.parent.path}{t.code}/" if t.parent_id else f"{t.country}/")


def test_bucaramanga_metropolitan_area_and_main_cities_are_present():
    load_territories(source_dir=None)
    for code, name in BUCARAMANGA_METRO.items():
        t = Territory.objects.get(country="CO", code=code)
        assert t.level == TerritoryLevel.MUNICIPALITY and t.parent.code == "68"
        assert t.display_name().startswith(name.upper() if t.source == "reference" else name)
        assert 6.9 < t.lat < 7.2 and -73.2 < t.lon < -73.0
    for code in ["76001", "11001", "05001", "54001", "08001", "13001"]:
        assert Territory.objects.filter(country="CO", code=code, level=TerritoryLevel.MUNICIPALITY).exists()


def _ids() -> dict[tuple[str, str], int]:
    return {(c, code): pk for c, code, pk in Territory.objects.values_list("country", "code", "pk")}


def test_country_filter_and_unknown_country():
    counts = load_territories(source_dir=None, countries=["cl"])
    assert list(counts["countries"]) == ["CL"] and counts["total"] == 1 + 16 + 28
    with pytest.raises(ValueError):
        load_territories(source_dir=None, countries=["AR"])


def test_reference_files_upgrade_the_starter_rows_in_place(reference_dir):
    load_territories(source_dir=None)
    bucaramanga_id = Territory.objects.get(country="CO", code="68001").pk
    counts = load_territories(source_dir=reference_dir, progress=False)
    assert counts["source"] == "reference" and counts["total"] == 5278
    assert counts["countries"] == {"CL": {0: 1, 1: 16, 2: 346}, "CO": {0: 1, 1: 33, 2: 1121},
                                   "EC": {0: 1, 1: 25, 2: 224, 3: 1396}, "PE": {0: 1, 1: 25, 2: 196, 3: 1892}}
    assert _level_counts("CO") == {0: 1, 1: 33, 2: 1121}
    assert _level_counts("CL") == {0: 1, 1: 16, 2: 346}
    assert _level_counts("EC") == {0: 1, 1: 25, 2: 224, 3: 1396}
    assert _level_counts("PE") == {0: 1, 1: 25, 2: 196, 3: 1892}
    assert Territory.objects.exclude(level=TerritoryLevel.GROUP).count() == 5278
    bucaramanga = Territory.objects.get(country="CO", code="68001")
    assert (bucaramanga.pk, bucaramanga.name, bucaramanga.source) == (bucaramanga_id, "BUCARAMANGA", "reference")
    assert Territory.objects.get(country="PE", code="150101").path == "PE/15/1501/150101/"
    assert Territory.objects.get(country="EC", code="90").parent.code == "EC"
    again = load_territories(source_dir=reference_dir)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5278)


def test_every_starter_code_is_an_official_code(reference_dir):
    official = {}
    for name in ("co", "cl", "ec", "pe"):
        with (reference_dir / "geo" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            official.update({(r["country"], r["code"]): r for r in csv.DictReader(fh)})
    for r in _starter_rows():
        if r["level"] != "0":
            assert (r["country"], r["code"]) in official, r
            assert official[(r["country"], r["code"])]["level"] == r["level"]


def test_custom_territory_group():
    load_territories(source_dir=None)
    group = create_territory_group(name="Área metropolitana de Bucaramanga", code="AMB", country="CO",
                                   member_codes=list(BUCARAMANGA_METRO))
    assert (group.level, group.path, group.parent.code, group.source) == (TerritoryLevel.GROUP, "CO/~AMB/", "CO", "custom")
    assert set(group.members.values_list("code", flat=True)) == set(BUCARAMANGA_METRO)
    same = create_territory_group(name="AMB", code="AMB", country="co", member_codes=["68001", "68276"])
    assert same.pk == group.pk and same.name == "AMB"
    assert set(same.members.values_list("code", flat=True)) == {"68001", "68276"}
    with pytest.raises(ValueError):
        create_territory_group(name="x", code="X", country="CO", member_codes=["99999"])
    with pytest.raises(ValueError):
        create_territory_group(name="x", code="68001", country="CO", member_codes=["68001"])
    # a later load of the official files leaves groups alone
    load_territories(source_dir=None)
    assert Territory.objects.get(country="CO", code="AMB").level == TerritoryLevel.GROUP
