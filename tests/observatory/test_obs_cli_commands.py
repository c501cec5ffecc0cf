"""`siee indicators ...`, `siee series import`, `siee export opendata` on the hand-built dataset."""

from __future__ import annotations

import csv
import json

import pytest
from test_obs_indicators_data import build

from siee.cli import main
from siee.observatory.library import LIBRARY
from siee.observatory.models import ExternalPoint, IndicatorDefinition
from siee.observatory.registry import all_measures


@pytest.fixture
def run(capsys):
    def _run(*argv):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def dataset(db, settings):
    settings.SIEE_DISCLOSURE_THRESHOLD = 2
    return build()


def test_compute_json_every_indicator_with_breakdowns(dataset, run):
    code, out, err = run("indicators", "compute", "--territory", "68", "--period", "2026Q3", "--breakdown",
                         "sex,territory", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["territory"], data["period"]) == ("68", "2026Q3")
    totals = {r["code"]: r for r in data["indicators"] if r["breakdown"] is None}
    assert set(totals) >= {d["code"] for d in LIBRARY}
    # Threshold 2: 4 registrations and 3 placements are published.
    assert totals["people_registered"]["value"] == 4.0
    assert totals["placements"]["value"] == 3.0
    by_sex = next(r for r in data["indicators"] if r["code"] == "people_registered" and r["breakdown"] == "sex")
    assert {c["key"]: c["value"] for c in by_sex["cells"]} == {"F": 2.0, "M": 2.0}
    assert set(by_sex["cells"][0]) == {"key", "label", "value", "numerator", "denominator", "suppressed"}


def test_compute_text_and_indicator_filter(dataset, run):
    code, out, err = run("indicators", "compute", "--territory", "68001", "--period", "2026Q3", "--indicator",
                         "people_registered,vacancies_posted")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Bucaramanga, Santander (68001) · 2026Q3"
    assert lines[1].split()[:2] == ["people_registered", "3"]
    assert lines[2].split()[:2] == ["vacancies_posted", "2"]


@pytest.mark.parametrize(("argv", "fragment"), [
    (("--territory", "99999", "--period", "2026Q3"), "Territorio desconocido"),
    (("--territory", "68", "--period", "2026Q7"), "Periodo no válido"),
    (("--territory", "68", "--period", "2026Q3", "--breakdown", "planet"), "Desagregación desconocida"),
])
def test_compute_bad_input_exit_2(dataset, run, argv, fragment):
    code, out, err = run("indicators", "compute", *argv)
    assert code == 2 and out == ""
    assert err.startswith("Error: ") and fragment in err


def test_list_and_refresh(dataset, run):
    code, out, err = run("indicators", "list", "--json")
    assert code == 0
    items = json.loads(out)
    assert [i["code"] for i in items][: len(LIBRARY)] == [d["code"] for d in LIBRARY]  # other apps' follow
    assert set(items[0]) >= {"code", "name", "description", "unit", "kind", "category", "dimensions", "published",
                             "builtin"}
    code, out, err = run("indicators", "refresh")
    assert code == 0 and out.splitlines()[-1].startswith(f"Agregadas {len(all_measures())} medidas")
    assert len(all_measures()) >= 22


def test_define_check_then_save(dataset, run, tmp_path):
    path = tmp_path / "def.json"
    path.write_text(json.dumps({"code": "women_referrals", "name": "Remisiones de mujeres", "kind": "count",
                                "measure": {"measure": "referrals", "filters": {"sex": "F"}}, "unit": "remisiones"}))
    assert run("indicators", "define", str(path), "--check")[:2] == (
        0, "1 definición(es) válida(s); no se guardó nada (--check).\n")
    assert IndicatorDefinition.objects.count() == 0
    assert run("indicators", "define", str(path))[:2] == (0, "Guardado el indicador women_referrals: Remisiones de mujeres\n")
    code, out, err = run("indicators", "compute", "--territory", "68", "--period", "2026Q3", "--indicator",
                         "women_referrals", "--json")
    assert json.loads(out)["indicators"][0]["value"] == 2.0  # R1 (P1), R2 (P2)


def test_define_invalid_file_reports_fields_exit_2(dataset, run, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"code": "ok_one", "name": "Bien", "kind": "count", "measure": "referrals"},
                                {"code": "x", "name": "", "kind": "ratio", "numerator": "nope", "denominator":
                                 "referrals", "factor": 0}]))
    code, out, err = run("indicators", "define", str(path))
    assert code == 2
    assert "definición 2 (x) no válida" in err
    assert "  factor: El factor no puede ser cero." in err and "  numerator: Medida desconocida 'nope'." in err
    assert IndicatorDefinition.objects.count() == 0  # all or nothing
    path.write_text("{not json")
    code, out, err = run("indicators", "define", str(path))
    assert code == 2 and "no es JSON válido" in err


def test_series_import_and_row_errors(db, run, tmp_path):
    good = tmp_path / "td.csv"
    good.write_text("period,value\n2026Q1,10.5\n2026Q2,9.8\n", encoding="utf-8")
    assert run("series", "import", str(good), "--code", "td", "--name", "Desempleo", "--territory", "68001",
               "--unit", "%", "--source", "DANE")[:2] == (0, "Importados 2 puntos en la serie td\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("period,value\n2026Q3,8.1\n2026-13,1\n2026Q4,\n", encoding="utf-8")
    code, out, err = run("series", "import", str(bad), "--code", "td", "--name", "Desempleo")
    assert code == 2
    assert "fila 3: Periodo no válido: '2026-13'" in err and "fila 4: Falta el valor." in err
    assert ExternalPoint.objects.count() == 2
    code, out, err = run("series", "list", "--json")
    assert json.loads(out)[0]["points"] == [["2026Q1", 10.5], ["2026Q2", 9.8]]
    missing = tmp_path / "cols.csv"
    missing.write_text("fecha,valor\n2026Q1,1\n", encoding="utf-8")
    code, out, err = run("series", "import", str(missing), "--code", "x", "--name", "X")
    assert code == 2 and "faltan las columnas period, value" in err


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_opendata(dataset, run, tmp_path, fmt):
    out_dir = tmp_path / "od"
    code, out, err = run("export", "opendata", "--territory", "68", "--period", "2026Q3", "--format", fmt,
                         "--out", str(out_dir), "--breakdown", "sex,territory")
    assert (code, err) == (0, "")
    names = {p.name for p in out_dir.iterdir()}
    assert {f"people_registered.{fmt}", f"people_registered__sex.{fmt}", f"people_registered__territory.{fmt}",
            "diccionario.csv", "metadata.json", "README.md"} <= names
    if fmt == "csv":
        with open(out_dir / "people_registered__sex.csv", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    else:
        import pyarrow.parquet as pq

        rows = pq.read_table(out_dir / "people_registered__sex.parquet").to_pylist()
    assert sorted((r["clave"], float(r["valor"])) for r in rows) == [("F", 2.0), ("M", 2.0)]
    meta = json.loads((out_dir / "metadata.json").read_text(encoding="utf-8"))
    assert (meta["territorio"], meta["periodo"], meta["umbral_confidencialidad"]) == ("68", "2026Q3", 2)
    with open(out_dir / "diccionario.csv", encoding="utf-8") as fh:
        dictionary = list(csv.DictReader(fh))
    assert {d["codigo"] for d in dictionary if d["tipo"] == "indicador"} >= {d["code"] for d in LIBRARY}


def test_export_opendata_suppresses_small_cells(db, run, tmp_path):
    build()  # default threshold 5: the dataset is too small for any non-zero published cell
    out_dir = tmp_path / "od"
    assert run("export", "opendata", "--territory", "68", "--period", "2026Q3", "--format", "csv", "--out",
               str(out_dir), "--breakdown", "territory")[0] == 0
    for path in out_dir.glob("*.csv"):
        if path.name == "diccionario.csv":
            continue
        with open(path, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["valor"] and row["numerador"] and row["suprimido"] == "0":
                    # a published count is 0 or at least 5 (ratios/medians rest on at least 5 records)
                    if row["indicador"] in ("people_registered", "placements", "referrals", "vacancies_posted"):
                        assert float(row["valor"]) == 0 or float(row["valor"]) >= 5, (path.name, row)


def test_export_people_still_works_and_refuses_parquet(db, run, tmp_path):
    code, out, err = run("export", "people", "--format", "parquet", "--out", str(tmp_path / "p.parquet"))
    assert code == 2 and "formato no válido" in err
    code, out, err = run("export", "opendata", "--format", "csv", "--out", str(tmp_path / "x"))
    assert code == 2 and "falta --territory" in err
