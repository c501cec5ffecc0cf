"""The pure parts of the observatory: periods, disclosure control, the engine's formulas and validation.
No database."""

from __future__ import annotations

import datetime as dt

import pytest

from siee.observatory import disclosure, engine
from siee.observatory.periods import current_quarter, last_complete_quarter, last_n, parse_period

# --- periods ----------------------------------------------------------------------------------------------

def test_parse_quarter_month_year():
    q = parse_period("2026Q3")
    assert (q.label, q.kind, q.start, q.end) == ("2026Q3", "quarter", dt.date(2026, 7, 1), dt.date(2026, 10, 1))
    m = parse_period("2026-07")
    assert (m.label, m.kind, m.start, m.end) == ("2026-07", "month", dt.date(2026, 7, 1), dt.date(2026, 8, 1))
    y = parse_period("2026")
    assert (y.label, y.kind, y.start, y.end) == ("2026", "year", dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    assert parse_period("2026q4").label == "2026Q4"
    assert parse_period(q) is q


@pytest.mark.parametrize("bad", ["", "2026Q5", "2026-13", "Q3", "2026-7-1", "abc", "1800"])
def test_parse_period_rejects_with_spanish_message(bad):
    with pytest.raises(ValueError, match="Periodo no válido"):
        parse_period(bad)


def test_previous_shift_months_and_last_n():
    q = parse_period("2026Q1")
    assert q.previous().label == "2025Q4"
    assert q.shift(5).label == "2027Q2"
    assert [m.label for m in q.months()] == ["2026-01", "2026-02", "2026-03"]
    assert parse_period("2026-01").previous().label == "2025-12"
    assert [p.label for p in last_n(parse_period("2026Q2"), 4)] == ["2025Q3", "2025Q4", "2026Q1", "2026Q2"]
    assert current_quarter(dt.date(2026, 11, 23)).label == "2026Q4"
    assert last_complete_quarter(dt.date(2026, 11, 23)).label == "2026Q3"
    assert last_complete_quarter(dt.date(2026, 2, 1)).label == "2025Q4"


# --- disclosure -------------------------------------------------------------------------------------------

def test_single_small_cell_gets_a_complementary_partner():
    # F = 3 is sensitive; with the total 43 published, M = 40 would reveal it: both hidden. Zero reveals nobody.
    assert disclosure.suppress({"F": 3, "M": 40, "X": 0}) == {"F", "M"}


def test_two_small_cells_adding_to_threshold_need_no_partner():
    assert disclosure.suppress({"a": 3, "b": 2, "c": 40}) == {"a", "b"}


def test_two_small_cells_below_threshold_together_take_the_next_smallest():
    # 1 + 2 = 3 < 5: total - c - d would reveal that a and b hold 3 people; the smallest other cell joins.
    assert disclosure.suppress({"a": 1, "b": 2, "c": 7, "d": 50}) == {"a", "b", "c"}


def test_nothing_sensitive_nothing_hidden_and_unpublished_total_needs_no_partner():
    assert disclosure.suppress({"a": 5, "b": 9}) == set()
    assert disclosure.suppress({"a": 3, "b": 40}, total_published=False) == {"a"}
    assert disclosure.suppress({"a": 3, "b": 40}, threshold=3) == set()


def test_no_published_cell_under_threshold_and_totals_cannot_be_differenced():
    import itertools

    for values in itertools.product([0, 1, 2, 4, 5, 9], repeat=4):
        cells = dict(zip("abcd", values, strict=True))
        hidden = disclosure.suppress(cells)
        assert all(not (0 < cells[k] < 5) for k in cells if k not in hidden)
        if hidden:
            # What a reader can recover by subtraction is the sum of the hidden cells: never a small group alone.
            assert len(hidden) >= 2 or sum(cells.values()) == cells[next(iter(hidden))]
            assert sum(cells[k] for k in hidden) >= 5 or len(hidden) == len([v for v in values if v])


# --- engine -----------------------------------------------------------------------------------------------

def test_exact_median_from_histogram():
    assert engine.median_of({}) is None
    assert engine.median_of({7: 1}) == 7
    assert engine.median_of({10: 1, 30: 1, 71: 1}) == 30
    assert engine.median_of({15: 1, 27: 1}) == 21
    assert engine.median_of({1: 2, 5: 1, 9: 1}) == 3  # 1 1 5 9 -> (1 + 5) / 2
    assert engine.median_of({2: 3, 8: 1}) == 2


def test_age_groups():
    assert [engine.age_group(a) for a in (15, 18, 24, 25, 28, 29, 39, 40, 54, 55, 90)] == [
        "<18", "18-24", "18-24", "25-28", "25-28", "29-39", "29-39", "40-54", "40-54", "55+", "55+"]
    assert engine.age_group(None) == ""


MEASURES = {
    "people": engine.MeasureInfo("people", ("territory",) + engine.PERSON_DIMENSIONS),
    "wages": engine.MeasureInfo("wages", ("territory",), has_value=True, histogram=True),
    "jobs": engine.MeasureInfo("jobs", ("territory",) + engine.JOB_DIMENSIONS, has_value=True),
}


def _ratio(**over):
    data = {"code": "women_rate", "name": "Mujeres", "kind": "ratio", "numerator": {"measure": "people",
            "filters": {"sex": "F"}}, "denominator": "people", "factor": 100, "unit": "%", "dimensions": ["territory"]}
    data.update(over)
    return data


def test_evaluate_ratio_with_filters():
    d = engine.definition_from_dict(_ratio(), measures=MEASURES)
    rows = [{"sex": "F", "count": 3}, {"sex": "M", "count": 1}]
    num, den = engine.Acc(), engine.Acc()
    for r in rows:
        if d.numerator.matches(r):
            num.add(r["count"])
        den.add(r["count"])
    cell = engine.evaluate(d, num, den)
    assert (cell.value, cell.numerator, cell.denominator, cell.basis) == (75.0, 3.0, 4.0, (3, 4))
    assert engine.evaluate(d, engine.Acc(), engine.Acc()).value is None  # no division by zero


def test_ranking_demand_minus_supply():
    d = engine.Definition(code="r", name="r", kind="ranking", unit="", numerator=engine.Operand("a"),
                          subtract=engine.Operand("b"), top=2)
    assert engine.rank(d, {"x": 5, "y": 3, "z": 9}, {"z": 8, "y": 0}) == [("x", 5, 5), ("y", 3, 3)]


def test_valid_definition_has_no_errors():
    assert engine.validate(_ratio(), measures=MEASURES) == {}
    assert engine.validate({"code": "med", "name": "Mediana", "kind": "median", "measure": "wages"},
                           measures=MEASURES) == {}


@pytest.mark.parametrize(("data", "field", "fragment"), [
    (_ratio(numerator="nope"), "numerator", "Medida desconocida"),
    (_ratio(factor=0), "factor", "cero"),
    (_ratio(factor="x"), "factor", "número"),
    (_ratio(code="Bad Code"), "code", "minúsculas"),
    (_ratio(code=""), "code", "obligatorio"),
    (_ratio(name=""), "name", "obligatorio"),
    (_ratio(kind="magic"), "kind", "Tipo desconocido"),
    (_ratio(dimensions=["isco1"]), "dimensions", "no se puede desagregar"),
    (_ratio(dimensions=["planet"]), "dimensions", "desconocida"),
    (_ratio(numerator={"measure": "people", "filters": {"isco4": "5120"}}), "numerator", "filtrar"),
    (_ratio(periodicity="weekly"), "periodicity", "Periodicidad"),
    ({"code": "m", "name": "m", "kind": "median", "measure": "people"}, "measure", "mediana"),
    ({"code": "s", "name": "s", "kind": "sum", "measure": "people"}, "measure", "sumar"),
    ({"code": "k", "name": "k", "kind": "ranking", "measure": "people"}, "measure", "ordenar"),
])
def test_invalid_definitions_name_field_and_reason(data, field, fragment):
    errors = engine.validate(data, measures=MEASURES)
    assert field in errors, errors
    assert any(fragment in reason for reason in errors[field]), errors[field]


def test_duplicate_code_refused():
    errors = engine.validate(_ratio(), measures=MEASURES, taken_codes={"women_rate"})
    assert errors == {"code": ["Ya existe un indicador con el código 'women_rate'."]}


def test_engine_imports_no_django():
    import ast
    import pathlib

    import siee.observatory.engine as mod

    for name in ("engine.py", "disclosure.py", "periods.py"):
        tree = ast.parse(pathlib.Path(mod.__file__).with_name(name).read_text())
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not any(m and m.startswith("django") and name != "disclosure.py" for m in imported), (name, imported)
