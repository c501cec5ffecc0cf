"""Services on the database: disclosure control in results, the extension point for other apps' indicators,
analyst definitions, external series and refresh idempotence."""

from __future__ import annotations

import pytest
from test_obs_indicators_data import build

from factories import make_actors
from siee.core.errors import DomainError
from siee.observatory import services
from siee.observatory.facts import MeasureSpec, refresh_facts
from siee.observatory.models import ExternalPoint, ExternalSeries, IndicatorDefinition, ObservatoryFact


@pytest.fixture
def staff(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_actors()


@pytest.fixture
def dataset(db):
    data = build()
    refresh_facts()
    return data


def test_disclosure_suppresses_small_totals_and_cells(dataset):
    # 4 registrations in Santander: under 5, so the total itself is suppressed, with a Spanish note.
    r = services.compute("people_registered", territory="68", period="2026Q3", breakdown="sex")
    assert (r.value, r.suppressed) == (None, True)
    assert "confidencialidad" in r.note
    assert all(c.suppressed and c.value is None for c in r.cells)
    # Ratios: basis are numerator and denominator counts (3 placements / 4 referrals): suppressed.
    rate = services.compute("placement_rate", territory="68", period="2026Q3")
    assert rate.suppressed and rate.value is None and rate.numerator is None and rate.denominator is None


def test_disclosure_threshold_setting(dataset, settings):
    settings.SIEE_DISCLOSURE_THRESHOLD = 3
    r = services.compute("people_registered", territory="68", period="2026Q3", breakdown="territory")
    assert (r.value, r.suppressed) == (4.0, False)
    cells = {c.key: c for c in r.cells}
    # Floridablanca 1 < 3 is suppressed; Bucaramanga 3 is not sensitive but is its complement (else 4 - 3 = 1).
    assert cells["68276"].suppressed and cells["68001"].suppressed
    assert cells["68307"].value == 0.0 and not cells["68307"].suppressed
    visible = [c for c in r.cells if not c.suppressed]
    assert all(c.value == 0 or c.value >= 3 for c in visible)


def test_published_cells_never_under_threshold_in_compute_all(dataset, settings):
    settings.SIEE_DISCLOSURE_THRESHOLD = 2
    results = services.compute_all(territory="68", period="2026Q3", breakdowns=["sex", "territory", "age_group"])
    for r in results:
        if r.kind in ("count",) and not r.suppressed:
            assert r.value == 0 or r.value >= 2, r.code
        for c in r.cells:
            if r.kind == "count" and not c.suppressed:
                assert c.value == 0 or c.value >= 2, (r.code, r.breakdown, c.key)
        hidden = [c for c in r.cells if c.suppressed]
        if r.kind != "ranking" and not r.suppressed and hidden:
            assert len(hidden) >= 2, (r.code, r.breakdown)


def test_refresh_is_idempotent(dataset):
    before = sorted(ObservatoryFact.objects.values_list("measure", "month", "territory_id", "sex", "count", "total"))
    refresh_facts()
    after = sorted(ObservatoryFact.objects.values_list("measure", "month", "territory_id", "sex", "count", "total"))
    assert before == after and len(before) > 0


# --- extension point --------------------------------------------------------------------------------------

# A fake "app" module defined here: measures over people (declarative) and a custom row source.
MEASURES = [
    MeasureSpec("test_migrant_people", "Migrantes (prueba)", "people.Person", "registered_at", "municipality_id",
                person="", filter={"migration_status__in": ["regular", "irregular"]}, unit="personas"),
    {"code": "test_custom_rows", "label": "Filas propias", "model": "", "date": "", "territory": "",
     "rows": lambda: _custom_rows(), "dimension_list": ("sex",)},
]
INDICATORS = [
    {"code": "test_migrants", "name": "Migrantes registrados (prueba)", "kind": "count", "unit": "personas",
     "category": "Migración", "measure": "test_migrant_people"},
    {"code": "test_custom", "name": "Indicador de filas propias", "kind": "count", "unit": "cursos",
     "measure": "test_custom_rows"},
    {"code": "test_broken", "name": "Roto", "kind": "count", "measure": "no_such_measure"},
]


def _custom_rows():
    import datetime as dt

    from siee.core.selectors import find_territory

    muni = find_territory("68001").pk
    return [{"month": dt.date(2026, 8, 1), "territory_id": muni, "sex": "F", "count": 7, "total": 0},
            {"month": dt.date(2026, 8, 1), "territory_id": muni, "sex": "F", "count": 2, "total": 0},
            {"month": dt.date(2026, 11, 1), "territory_id": muni, "sex": "M", "count": 5, "total": 0}]


def test_other_apps_ship_measures_and_indicators(dataset, settings):
    settings.SIEE_OBSERVATORY_INDICATOR_MODULES = ["test_obs_engine_services"]
    codes = [i.code for i in services.available_indicators()]
    assert "test_migrants" in codes and "test_custom" in codes
    assert "test_broken" not in codes  # invalid definitions are skipped, never break the library
    # Aggregated on first use (no fill state yet): P2 regular, P4 irregular in Santander's Q3.
    r = services.compute("test_migrants", territory="68", period="2026Q3", breakdown="sex", disclosure=False)
    assert r.value == 2.0 and {c.key: c.value for c in r.cells} == {"F": 1.0, "M": 1.0}
    custom = services.compute("test_custom", territory="68001", period="2026Q3", disclosure=False)
    assert custom.value == 9.0  # 7 + 2 in August; November is Q4
    info = next(i for i in services.available_indicators() if i.code == "test_custom")
    assert info.dimensions == ["territory", "sex"] and info.builtin is True


# --- analyst definitions ----------------------------------------------------------------------------------

WOMEN_RATE = {"code": "women_placement_rate", "name": "Tasa de colocación de las mujeres", "kind": "ratio",
              "numerator": {"measure": "placements", "filters": {"sex": "F"}},
              "denominator": {"measure": "referrals", "filters": {"sex": "F"}}, "factor": 100, "unit": "%",
              "dimensions": ["territory", "age_group"], "published": False}


def test_save_definition_then_compute(dataset, staff):
    from siee.core.models import AuditEntry

    info = services.save_definition(dict(WOMEN_RATE), actor=staff.admin)
    assert (info.code, info.builtin, info.published, info.dimensions) == (
        "women_placement_rate", False, False, ["territory", "age_group"])
    assert AuditEntry.objects.filter(object_type="indicatordefinition", action="create").count() == 1
    r = services.compute("women_placement_rate", territory="68", period="2026Q3", disclosure=False)
    assert (r.value, r.numerator, r.denominator) == (100.0, 2.0, 2.0)  # P1, P2 placed / R1, R2
    assert "women_placement_rate" not in {i.code for i in services.available_indicators(published_only=True)}


def test_invalid_definition_is_refused_and_nothing_saved(dataset, staff):
    bad = {**WOMEN_RATE, "factor": 0, "numerator": {"measure": "placements", "filters": {"planet": "x"}}}
    errors = services.validate_definition(bad)
    assert set(errors) == {"factor", "numerator"}
    with pytest.raises(DomainError) as exc:
        services.save_definition(bad, actor=staff.admin)
    assert set(exc.value.errors) == {"factor", "numerator"}
    assert IndicatorDefinition.objects.count() == 0
    dup = {**WOMEN_RATE, "code": "placement_rate"}
    assert "code" in services.validate_definition(dup)


def test_replace_only_analyst_definitions(dataset, staff):
    services.save_definition(dict(WOMEN_RATE), actor=staff.admin)
    assert "code" in services.validate_definition(dict(WOMEN_RATE))  # duplicate without replace
    services.save_definition({**WOMEN_RATE, "name": "Nuevo nombre"}, actor=staff.admin, replace=True)
    assert IndicatorDefinition.objects.get().name == "Nuevo nombre"
    assert "code" in services.validate_definition({**WOMEN_RATE, "code": "placements"}, replace=True)


# --- external series --------------------------------------------------------------------------------------

def test_import_external_series_all_or_nothing(db):
    rows = [{"period": "2026Q1", "value": "10,5"}, {"period": "2026Q2", "value": "9.8"}]
    assert services.import_external_series(rows, code="td_bga", name="Tasa de desempleo", territory="68001",
                                           unit="%", source="DANE") == 2
    assert services.external_points("td_bga") == [("2026Q1", 10.5), ("2026Q2", 9.8)]
    info = services.external_series(territory="68001")
    assert [(s.code, s.territory, s.unit) for s in info] == [("td_bga", "68001", "%")]
    bad = [{"period": "2026Q3", "value": "8"}, {"period": "2026Q9", "value": "1"}, {"period": "2026Q4", "value": "x"}]
    with pytest.raises(DomainError) as exc:
        services.import_external_series(bad, code="td_bga", name="Tasa de desempleo")
    assert set(exc.value.errors) == {"fila 3", "fila 4"}
    assert "Periodo no válido" in exc.value.errors["fila 3"][0]
    assert "no numérico" in exc.value.errors["fila 4"][0]
    assert ExternalPoint.objects.count() == 2 and ExternalSeries.objects.count() == 1  # unchanged
    assert services.external_points("td_bga", periods=["2026Q2"]) == [("2026Q2", 9.8)]


def test_breakdown_not_requested_up_front_still_gets_its_columns(dataset):
    from siee.observatory.periods import parse_period
    from siee.observatory.services import _Computer, _definition, resolve_territory

    d = _definition("people_registered")
    computer = _Computer([d], resolve_territory("68"), parse_period("2026Q3"), disclosure_on=False)
    assert computer.result(d).value == 4.0
    cells = {c.key: c.value for c in computer.result(d, "territory").cells}
    assert (cells["68001"], cells["68276"]) == (3.0, 1.0)
