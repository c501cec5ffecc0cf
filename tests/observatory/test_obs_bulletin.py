"""Quarterly bulletin: summary sentences computed from the values, PDF (Spanish section titles, reserved cells),
XLSX (sheets and values), built from the engine with disclosure control, and `siee report bulletin`.

PDF text is checked in reportlab's uncompressed mode (pypdf is not installed): standard fonts write strings as
PDF literals with non-ASCII characters as octal escapes of their cp1252 byte.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from test_obs_indicators_data import build

from siee.observatory.bulletin import (
    SHEETS,
    Breakdown,
    Bulletin,
    Figure,
    build_bulletin,
    render_pdf,
    render_xlsx,
    section_titles,
    summary_sentence,
)

Q = "2026Q3"


def pdf_literal(text: str) -> bytes:
    out = bytearray()
    for b in text.encode("cp1252"):
        if b in b"()\\":
            out += b"\\" + bytes([b])
        elif b > 126:
            out += f"\\{b:03o}".encode()
        else:
            out.append(b)
    return bytes(out)


def sample() -> Bulletin:
    b = Bulletin(territory_code="68", territory_name="Santander", quarter=Q, quarter_label="III trimestre 2026",
                 previous_label="II trimestre 2026", generated=dt.date(2026, 10, 5), threshold=5)
    b.figures = [
        Figure("people_registered", "Personas registradas", "personas", "count", "Oferta", 1100, False, 1000),
        Figure("placement_rate", "Tasa de colocación", "%", "ratio", "Intermediación", 12.3, False, 11.1),
        Figure("placements", "Colocaciones", "personas", "count", "Intermediación", None, True, 7, False,
               "Valor suprimido"),
    ]
    b.summary = [summary_sentence(f) for f in b.figures]
    b.series = [("Personas registradas", "personas", [("2026Q1", 900, False), ("2026Q2", 1000, False),
                                                       ("2026Q3", 1100, False)])]
    b.by_sex = [Breakdown("people_registered", "Personas registradas", "personas", "Sexo",
                          [("Mujer", 600, False), ("Hombre", 497, False), ("Prefiere no decir", None, True)])]
    b.by_territory = [Breakdown("people_registered", "Personas registradas", "personas", "Territorio",
                                [("Bucaramanga", 800, False), ("Girón", None, True)])]
    b.rankings = [Breakdown("top_skills_missing", "Habilidades faltantes", "vacantes", "",
                            [("cocinar", 12, False), ("soldar", 9, False)]),
                  Breakdown("training_by_course", "Inicios por curso", "personas", "",
                            [("Cocina básica", 20, False)])]
    b.dictionary = [{"code": "people_registered", "name": "Personas registradas", "description": "Altas",
                     "unit": "personas", "kind": "count", "category": "Oferta", "dimensions": "territory, sex",
                     "published": True}]
    return b


def test_summary_sentences_from_values():
    f = sample().figures
    assert summary_sentence(f[1]) == "Tasa de colocación: 12,3 %, 1,2 puntos más que el trimestre anterior."
    assert summary_sentence(f[0]) == ("Personas registradas: 1.100 personas, 10,0 % más que el trimestre anterior "
                                      "(1.000).")
    assert summary_sentence(f[2]) == "Colocaciones: dato reservado por confidencialidad estadística."
    down = Figure("placement_rate", "Tasa de colocación", "%", value=10.0, previous=12.5)
    assert summary_sentence(down) == "Tasa de colocación: 10,0 %, 2,5 puntos menos que el trimestre anterior."
    same = Figure("x", "Remisiones", "remisiones", value=40, previous=40)
    assert summary_sentence(same) == "Remisiones: 40 remisiones, sin cambio frente al trimestre anterior."
    first = Figure("x", "Remisiones", "remisiones", value=40, previous=None)
    assert summary_sentence(first) == "Remisiones: 40 remisiones."
    assert (f[1].change_text, f[0].change_text, f[2].change_text) == ("+1,2 p. p.", "+10,0 %", "—")


def test_pdf_has_spanish_sections_and_reserved_cells():
    pdf = render_pdf(sample(), compress=False)
    assert pdf.startswith(b"%PDF")
    titles = section_titles()
    assert len(titles) == 8
    for title in titles.values():
        assert pdf_literal(title) in pdf, title
    assert pdf_literal("Boletín del mercado de trabajo") in pdf
    assert pdf_literal("III trimestre 2026") in pdf
    assert pdf_literal("Tasa de colocación: 12,3 %, 1,2 puntos más que el trimestre anterior.") in pdf
    assert b"(reservado)" in pdf
    assert pdf_literal("1.100 personas") in pdf


def test_pdf_compressed_is_smaller_and_valid():
    data = sample()
    small, big = render_pdf(data), render_pdf(data, compress=False)
    assert small.startswith(b"%PDF") and small.rstrip().endswith(b"%%EOF")
    assert len(small) < len(big)


def test_xlsx_sheets_and_values():
    wb = load_workbook(io.BytesIO(render_xlsx(sample())))
    assert wb.sheetnames == SHEETS
    rows = list(wb["Indicadores"].iter_rows(values_only=True))
    assert rows[0][:7] == ("Código", "Indicador", "Categoría", "Unidad", Q, "II trimestre 2026", "Variación")
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["people_registered"][4:7] == (1100, 1000, 10.0)
    assert by_code["placement_rate"][4:8] == (12.3, 11.1, 1.2, "puntos porcentuales")
    assert by_code["placements"][4:7] == ("reservado", 7, None)
    sexes = [r[3:] for r in wb["Por sexo"].iter_rows(min_row=2, values_only=True)]
    assert sexes == [("Mujer", 600), ("Hombre", 497), ("Prefiere no decir", "reservado")]
    assert list(wb["Evolución"].iter_rows(values_only=True)) == [
        ("Indicador", "Unidad", "2026Q1", "2026Q2", "2026Q3"), ("Personas registradas", "personas", 900, 1000, 1100)]
    assert [r[2:5] for r in wb["Clasificaciones"].iter_rows(min_row=2, values_only=True)] == [
        (1, "cocinar", 12), (2, "soldar", 9), (1, "Cocina básica", 20)]
    dictionary = list(wb["Diccionario"].iter_rows(values_only=True))
    assert dictionary[1][:3] == ("people_registered", "Personas registradas", "Altas")
    assert wb["Resumen"]["B2"].value == "Santander"


@pytest.fixture
def dataset(db):
    from siee.observatory.facts import refresh_facts

    data = build()
    refresh_facts()
    return data


def test_build_bulletin_applies_disclosure(dataset):
    b = build_bulletin(territory="68", quarter=Q, today=dt.date(2026, 10, 5))
    figures = {f.code: f for f in b.figures}
    # 4 people registered in Santander 2026Q3: under the threshold of 5, so reserved and never written.
    assert figures["people_registered"].suppressed is True
    assert figures["people_registered"].text == "reservado"
    assert "Personas registradas: dato reservado por confidencialidad estadística." in b.summary
    for _name, _unit, points in b.series:
        for _label, value, suppressed in points:
            assert not (suppressed and value is not None)
    for br in b.by_sex + b.by_territory + b.rankings:
        for _label, value, suppressed in br.cells:
            assert not (suppressed and value is not None)
    wb = load_workbook(io.BytesIO(render_xlsx(b)))
    row = next(r for r in wb["Indicadores"].iter_rows(values_only=True) if r[0] == "people_registered")
    assert row[4] == "reservado"


def test_build_bulletin_values_match_the_engine(dataset, settings):
    settings.SIEE_DISCLOSURE_THRESHOLD = 1
    b = build_bulletin(territory="68", quarter=Q)
    figures = {f.code: f for f in b.figures}
    # hand-computed (see test_obs_indicators_data): Q3 P1-P4 = 4, Q2 P5 = 1; placements 3 of 4 referrals
    assert (figures["people_registered"].value, figures["people_registered"].previous) == (4, 1)
    assert figures["placement_rate"].value == pytest.approx(75.0)
    assert b.quarter_label == "III trimestre 2026" and b.previous_label == "II trimestre 2026"
    assert b.summary[0] == "Personas registradas: 4 personas, 300,0 % más que el trimestre anterior (1)."
    territories = {br.code: {lbl: v for lbl, v, _s in br.cells if v} for br in b.by_territory}
    assert territories["people_registered"] == {"Bucaramanga": 3, "Floridablanca": 1}
    assert [label for label, *_rest in b.series[0][2]][-1] == Q and len(b.series[0][2]) == 8
    assert render_pdf(b).startswith(b"%PDF")
    # a municipality has no sub-territories: no territory tables
    assert build_bulletin(territory="68001", quarter=Q).by_territory == []


def test_cli_report_bulletin(dataset, tmp_path, capsys):
    from siee.cli import main

    out = tmp_path / "b.pdf"
    assert main(["report", "bulletin", "--territory", "68001", "--quarter", Q, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "Boletín III trimestre 2026 de Bucaramanga" in capsys.readouterr().out
    xlsx = tmp_path / "b.xlsx"
    assert main(["report", "bulletin", "--territory", "68", "--quarter", Q, "--out", str(xlsx)]) == 0
    assert load_workbook(xlsx).sheetnames == SHEETS
    capsys.readouterr()
    assert main(["report", "bulletin", "--territory", "99999", "--quarter", Q, "--out", str(out)]) == 2
    assert capsys.readouterr().err == "Error: --territory: territorio desconocido '99999'.\n"
    assert main(["report", "bulletin", "--territory", "68", "--quarter", "2026Q5", "--out", str(out)]) == 2
    assert "--quarter: Periodo no válido" in capsys.readouterr().err
    assert main(["report", "bulletin", "--territory", "68", "--quarter", "2026-07", "--out", str(out)]) == 2
    assert "no es un trimestre" in capsys.readouterr().err
    assert main(["report", "bulletin", "--territory", "68", "--quarter", Q, "--out", str(tmp_path / "b.doc")]) == 2
    assert "use .pdf o .xlsx" in capsys.readouterr().err
