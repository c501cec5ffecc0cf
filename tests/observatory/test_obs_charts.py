"""Server-side SVG charts and the territory map: valid XML, proportional bars, suppressed cells never numeric."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from siee.observatory.charts import (
    Datum,
    Series,
    bar_chart,
    format_number,
    format_value,
    grouped_bar_chart,
    line_chart,
    nice_max,
    table_rows,
)
from siee.observatory.maps import MapPoint, class_breaks, color_for, project, territory_map

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (1234567, None, "1.234.567"),
    (1234.5, 1, "1.234,5"),
    (12.345, None, "12,3"),
    (0.256, None, "0,26"),
    (-3, None, "-3"),
    (-0.001, 1, "0,0"),
    (2.25, 1, "2,3"),
    (1234.5, None, "1.235"),
    (None, None, "—"),
])
def test_spanish_number_format(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_value_with_unit():
    assert format_value(12.3, "%") == "12,3 %"
    assert format_value(1500000, "COP") == "1.500.000 COP"
    assert format_value(None, "%") == "—"


def test_nice_max():
    assert nice_max(23) == 25
    assert nice_max(0.7) == 1
    assert nice_max(101) == 200
    assert nice_max(0) == 1


def test_bar_lengths_are_proportional_to_values():
    svg = bar_chart([Datum("A", 200), Datum("B", 50), Datum("C", 100)], title="Vacantes", unit="vacantes")
    root = parse(svg)
    bars = root.findall(".//s:rect[@class='bar']", NS)
    widths = {float(b.get("data-value")): float(b.get("width")) for b in bars}
    assert len(widths) == 3
    assert widths[50.0] / widths[200.0] == pytest.approx(0.25, abs=1e-4)
    assert widths[100.0] / widths[200.0] == pytest.approx(0.5, abs=1e-4)
    # the largest bar spans the whole drawing width minus margins and the value room
    assert widths[200.0] == pytest.approx(380 - 2 * 8 - 96, abs=1e-3)


def test_chart_is_accessible_and_spanish():
    svg = bar_chart([Datum("Bucaramanga", 123.45)], title="Personas inscritas", unit="%")
    root = parse(svg)
    assert root.get("role") == "img"
    uid = root.get("id")
    assert root.get("aria-labelledby") == f"{uid}-t {uid}-d"
    assert root.find("s:title", NS).text == "Personas inscritas"
    assert root.find("s:desc", NS).text == "Bucaramanga: 123,5 %"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "123,5 %" in texts


def test_suppressed_cell_is_hatched_and_never_a_number():
    svg = bar_chart([Datum("Girón", 3, suppressed=True), Datum("Bucaramanga", 40)], title="Colocaciones",
                    unit="personas")
    root = parse(svg)
    hatched = root.findall(".//s:rect[@data-suppressed='1']", NS)
    assert len(hatched) == 1
    assert hatched[0].get("fill").startswith("url(#") and hatched[0].get("fill").endswith("-hatch)")
    assert hatched[0].get("data-value") is None
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "reservado" in texts
    assert "3" not in texts and "Girón: 3" not in svg
    assert "Girón: reservado" in root.find("s:desc", NS).text


def test_links_and_escaping():
    svg = bar_chart([Datum("A & <B>", 5, href="/observatorio/?t=68&p=2026Q3")], title="T <x>")
    root = parse(svg)
    link = root.find(".//s:a", NS)
    assert link.get("href") == "/observatorio/?t=68&p=2026Q3"
    assert root.find("s:title", NS).text == "T <x>"


def test_grouped_bars_by_sex():
    svg = grouped_bar_chart(["Inscritas", "Colocadas"], [
        Series("Mujeres", [Datum("Inscritas", 120), Datum("Colocadas", 2, suppressed=True)]),
        Series("Hombres", [Datum("Inscritas", 60), Datum("Colocadas", 30)]),
    ], title="Por sexo", unit="personas")
    root = parse(svg)
    bars = root.findall(".//s:rect[@class='bar']", NS)
    by = {(b.get("data-group"), float(b.get("data-value"))): float(b.get("width")) for b in bars}
    assert set(by) == {("Mujeres", 120.0), ("Hombres", 60.0), ("Hombres", 30.0)}
    assert by[("Hombres", 60.0)] * 2 == pytest.approx(by[("Mujeres", 120.0)], abs=1e-3)
    assert len(root.findall(".//s:rect[@data-suppressed='1']", NS)) == 1
    assert "Colocadas, Mujeres: reservado" in root.find("s:desc", NS).text


def test_line_chart_breaks_at_suppressed_point():
    s = Series("Colocaciones", [Datum("2026Q1", 10), Datum("2026Q2", 12), Datum("2026Q3", 4, suppressed=True),
                                Datum("2026Q4", 20)])
    root = parse(line_chart([s], title="Serie", unit="personas"))
    lines = root.findall(".//s:polyline", NS)
    assert len(lines) == 1  # 2026Q1-2026Q2; 2026Q4 stands alone
    assert len(lines[0].get("points").split()) == 2
    points = root.findall(".//s:circle[@class='point']", NS)
    assert [p.get("data-label") for p in points] == ["2026Q1", "2026Q2", "2026Q4"]
    marks = root.findall(".//s:rect[@data-suppressed='1']", NS)
    assert [m.get("data-label") for m in marks] == ["2026Q3"]
    # y grows downwards: 20 is higher (smaller y) than 10
    y = {p.get("data-label"): float(p.get("cy")) for p in points}
    assert y["2026Q4"] < y["2026Q2"] < y["2026Q1"]


def test_line_chart_two_series_have_legend():
    a = Series("Interna", [Datum("2026Q1", 1), Datum("2026Q2", 2)])
    b = Series("DANE", [Datum("2026Q1", 3), Datum("2026Q2", 4)])
    root = parse(line_chart([a, b], title="Comparación", unit="%"))
    assert [p.get("data-series") for p in root.findall(".//s:polyline", NS)] == ["Interna", "DANE"]
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Interna" in texts and "DANE" in texts


def test_empty_chart_says_no_data():
    root = parse(bar_chart([], title="Nada"))
    assert "No hay datos" in root.find("s:desc", NS).text


def test_table_rows_never_show_suppressed_numbers():
    rows = table_rows([Datum("A", 3, suppressed=True), Datum("B", 1500, href="/b")], "personas")
    assert rows[0]["text"] == "reservado" and rows[0]["suppressed"] is True
    assert rows[1]["text"] == "1.500 personas" and rows[1]["href"] == "/b"


def test_class_breaks_and_colors():
    assert class_breaks([0, 100]) == [20, 40, 60, 80, 100]
    assert class_breaks([0, 7]) == [2, 3, 5, 6, 7]  # counts: whole numbers (1.4, 2.8, 4.2, 5.6, 7 rounded up)
    assert class_breaks([0.5, 1.0]) == [0.6, 0.7, 0.8, 0.9, 1.0]
    assert class_breaks([7, 7]) == [7]
    breaks = class_breaks([0, 100])
    assert color_for(0, breaks) == "#c6dbef"
    assert color_for(55, breaks) == "#6baed6"
    assert color_for(100, breaks) == "#08519c"


def test_projection_keeps_geography():
    pts = [MapPoint("N", "Norte", 8.0, -73.0, 1), MapPoint("S", "Sur", 6.0, -73.0, 1),
           MapPoint("E", "Este", 7.0, -72.0, 1), MapPoint("W", "Oeste", 7.0, -74.0, 1)]
    xy = project(pts, width=400, height=400, pad=20)
    assert xy["N"][1] < xy["S"][1]  # north is up
    assert xy["W"][0] < xy["E"][0]  # west is left
    assert xy["N"][0] == pytest.approx(xy["S"][0])
    # fitted: the box edges are touched within the padding
    assert min(x for x, _ in xy.values()) >= 20 - 1e-6 and max(x for x, _ in xy.values()) <= 380 + 1e-6
    assert min(y for _, y in xy.values()) == pytest.approx(20)
    assert max(y for _, y in xy.values()) == pytest.approx(380)


def test_map_dots_link_to_drilldown_and_hide_suppressed():
    pts = [MapPoint("68001", "Bucaramanga", 7.12, -73.12, 400, href="/observatorio/?territorio=68001"),
           MapPoint("68276", "Floridablanca", 7.06, -73.09, 100, href="/observatorio/?territorio=68276"),
           MapPoint("68307", "Girón", 7.07, -73.17, 2, suppressed=True),
           MapPoint("68999", "Sin coordenadas", None, None, 7)]
    root = parse(territory_map(pts, title="Personas inscritas", unit="personas"))
    dots = {c.get("data-code"): c for c in root.findall(".//s:circle", NS)}
    assert set(dots) == {"68001", "68276", "68307"}
    assert dots["68307"].get("data-value") is None and dots["68307"].get("data-suppressed") == "1"
    assert dots["68307"].find("s:title", NS).text == "Girón: reservado"
    # proportional symbols: radius grows with sqrt(value)
    r_big, r_small = float(dots["68001"].get("r")), float(dots["68276"].get("r"))
    assert (r_big - 5) / (r_small - 5) == pytest.approx(2.0, abs=0.02)
    links = [a.get("href") for a in root.findall(".//s:a", NS)]
    assert "/observatorio/?territorio=68001" in links
    assert len(root.findall(".//s:rect[@class='legend-class']", NS)) == 5


def test_short_label_drops_the_parent_name():
    from siee.observatory.charts import short_label

    assert short_label("Girón, Santander", "Santander") == "Girón"
    assert short_label("Girón, Santander", "") == "Girón, Santander"
    assert short_label("Mujer", "Santander") == "Mujer"
