"""The quarterly labour-market bulletin of a territory, as PDF (reportlab) and XLSX (openpyxl).

`build_bulletin` gathers the figures through `siee.observatory.services` (disclosure control always applied);
`render_pdf` and `render_xlsx` only lay out a `Bulletin`, so they are tested on hand-made data. No internet, no
external binaries: charts are drawn with reportlab's own graphics primitives.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from siee.observatory.charts import format_number, format_value, period_label, suppressed_label
from siee.observatory.disclosure import threshold_from_settings

MAIN_CODES = ["people_registered", "active_seekers", "vacancies_posted", "placements", "placement_rate",
              "median_time_to_fill", "posts_offered", "referrals_per_placement"]
SERIES_CODES = 4  # line charts for the first N main indicators
SERIES_LENGTH = 8
MAX_TERRITORY_TABLES = 4


@dataclass
class Figure:
    """One indicator figure in the bulletin (already disclosure-controlled)."""

    code: str
    name: str
    unit: str
    kind: str = "count"
    category: str = ""
    value: float | None = None
    suppressed: bool = False
    previous: float | None = None
    previous_suppressed: bool = False
    note: str = ""

    @property
    def text(self) -> str:
        return value_text(self.value, self.suppressed, self.unit)

    @property
    def previous_text(self) -> str:
        return value_text(self.previous, self.previous_suppressed, self.unit)

    @property
    def change(self) -> float | None:
        """Points for percentages, % change otherwise; None when not comparable."""
        if self.suppressed or self.previous_suppressed or self.value is None or self.previous is None:
            return None
        if self.unit == "%":
            return self.value - self.previous
        if not self.previous:
            return None
        return (self.value - self.previous) / abs(self.previous) * 100

    @property
    def change_text(self) -> str:
        c = self.change
        if c is None:
            return "—"
        sign = "+" if c > 0 else ""
        return f"{sign}{format_number(c, 1)} " + (_("p. p.") if self.unit == "%" else "%")


@dataclass
class Breakdown:
    """An indicator by one dimension: (label, value, suppressed) cells."""

    code: str
    name: str
    unit: str
    dimension: str
    cells: list[tuple[str, float | None, bool]] = field(default_factory=list)


@dataclass
class Bulletin:
    territory_code: str
    territory_name: str
    quarter: str  # "2026Q3"
    quarter_label: str  # "III trimestre 2026"
    previous_label: str
    generated: dt.date
    threshold: int = 5
    figures: list[Figure] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    series: list[tuple[str, str, list[tuple[str, float | None, bool]]]] = field(default_factory=list)
    by_sex: list[Breakdown] = field(default_factory=list)
    by_territory: list[Breakdown] = field(default_factory=list)
    rankings: list[Breakdown] = field(default_factory=list)
    dictionary: list[dict] = field(default_factory=list)


def value_text(value, suppressed: bool, unit: str = "") -> str:
    if suppressed:
        return suppressed_label()
    return format_value(value, unit)


def filename(territory, quarter, fmt: str) -> str:
    return f"boletin-{territory.code}-{quarter.label}.{fmt}"


# --- summary sentences -----------------------------------------------------------------------------------------

def summary_sentence(f: Figure) -> str:
    """'Tasa de colocación: 12,3 %, 1,2 puntos más que el trimestre anterior.' and the like."""
    if f.suppressed:
        return _("%(name)s: dato reservado por confidencialidad estadística.") % {"name": f.name}
    if f.value is None:
        return _("%(name)s: sin datos en el trimestre.") % {"name": f.name}
    value = format_value(f.value, f.unit)
    c = f.change
    if c is None:
        return _("%(name)s: %(value)s.") % {"name": f.name, "value": value}
    if f.unit == "%":
        if round(c, 1) == 0:
            return _("%(name)s: %(value)s, igual que el trimestre anterior.") % {"name": f.name, "value": value}
        what = _("%(d)s puntos más que el trimestre anterior") if c > 0 else _(
            "%(d)s puntos menos que el trimestre anterior")
        return f"{f.name}: {value}, " + what % {"d": format_number(abs(c), 1)} + "."
    if round(c, 1) == 0:
        return _("%(name)s: %(value)s, sin cambio frente al trimestre anterior.") % {"name": f.name, "value": value}
    what = _("%(p)s %% más que el trimestre anterior (%(prev)s)") if c > 0 else _(
        "%(p)s %% menos que el trimestre anterior (%(prev)s)")
    return f"{f.name}: {value}, " + what % {"p": format_number(abs(c), 1), "prev": format_number(f.previous)} + "."


def is_skill_ranking(b: Breakdown) -> bool:
    return b.code.startswith("top_skills")


def ranking_sentence(b: Breakdown) -> str:
    visible = [label for label, _value, suppressed in b.cells if not suppressed]
    if not visible:
        return ""
    return _("%(name)s: encabeza «%(first)s».") % {"name": b.name, "first": visible[0]}


# --- gathering the figures -------------------------------------------------------------------------------------

def _cells(result) -> list[tuple[str, float | None, bool]]:
    from siee.observatory.charts import short_label

    parent = result.territory_name if result.breakdown == "territory" else ""
    return [(short_label(c.label or c.key, parent), None if c.suppressed else c.value, bool(c.suppressed))
            for c in result.cells]


def build_bulletin(*, territory, quarter, today: dt.date | None = None) -> Bulletin:
    """Compute every figure of the bulletin for a territory (Territory or code) and a quarter (Period or label)."""

    from siee.observatory import periods, services
    from siee.observatory.forms import breakdown_label

    territory = services.resolve_territory(territory)
    quarter = services.resolve_period(quarter)
    if quarter.kind != "quarter":
        from siee.core.errors import DomainError

        raise DomainError(_("El boletín es trimestral: indique un trimestre como 2026Q3."), field="quarter")
    infos = {i.code: i for i in services.available_indicators()}
    results = services.compute_all(territory=territory, period=quarter, breakdowns=["sex", "territory"])
    previous = {r.code: r for r in services.compute_all(territory=territory, period=quarter.previous())
                if not r.breakdown}
    totals = [r for r in results if not r.breakdown]
    by = {(r.code, r.breakdown): r for r in results if r.breakdown}
    data = Bulletin(territory_code=territory.code, territory_name=territory.display_name(), quarter=quarter.label,
                    quarter_label=period_label(quarter), previous_label=period_label(quarter.previous()),
                    generated=today or dt.date.today(),
                    threshold=threshold_from_settings())
    main = [c for c in MAIN_CODES if any(r.code == c for r in totals)]
    for r in totals:
        info = infos.get(r.code)
        if r.kind == "ranking":
            data.rankings.append(Breakdown(r.code, r.name, r.unit, "", _cells(r)))
            continue
        p = previous.get(r.code)
        data.figures.append(Figure(code=r.code, name=r.name, unit=r.unit, kind=r.kind,
                                   category=getattr(info, "category", "") or "", value=r.value,
                                   suppressed=r.suppressed, previous=None if p is None else p.value,
                                   previous_suppressed=bool(p and p.suppressed), note=r.note))
    figures = {f.code: f for f in data.figures}
    if not main:
        main = [f.code for f in data.figures[:6]]
    data.summary = [summary_sentence(figures[c]) for c in main if c in figures]
    data.rankings.sort(key=lambda b: not is_skill_ranking(b))  # skills first
    data.summary += [s for s in (ranking_sentence(b) for b in data.rankings if is_skill_ranking(b)) if s]
    window = periods.last_n(quarter, SERIES_LENGTH)
    for code in main[:SERIES_CODES]:
        f = figures[code]
        points = [(r.period, None if r.suppressed else r.value, bool(r.suppressed))
                  for r in services.series(code, territory=territory, periods=window)]
        data.series.append((f.name, f.unit, points))
    for code in main:
        r = by.get((code, "sex"))
        if r is not None:
            data.by_sex.append(Breakdown(code, r.name, r.unit, breakdown_label("sex"), _cells(r)))
        r = by.get((code, "territory"))
        if r is not None and len(r.cells) > 1 and len(data.by_territory) < MAX_TERRITORY_TABLES:
            data.by_territory.append(Breakdown(code, r.name, r.unit, breakdown_label("territory"), _cells(r)))
    for code, info in infos.items():
        data.dictionary.append({"code": code, "name": info.name, "description": info.description,
                                "unit": info.unit, "kind": info.kind, "category": info.category,
                                "dimensions": ", ".join(info.dimensions), "published": info.published})
    return data


# --- PDF -------------------------------------------------------------------------------------------------------

def section_titles() -> dict[str, str]:
    return {
        "summary": _("Resumen ejecutivo"),
        "figures": _("Indicadores del trimestre"),
        "series": _("Evolución de los indicadores principales"),
        "sex": _("Mujeres y hombres"),
        "territory": _("Por territorio"),
        "rankings": _("Habilidades demandadas y faltantes"),
        "other_rankings": _("Otras clasificaciones"),
        "notes": _("Notas metodológicas"),
    }


def _pdf_line_chart(name: str, unit: str, points, *, width: float, height: float):
    from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
    from reportlab.lib import colors

    d = Drawing(width, height)
    left, right, top_m, bottom = 52, 16, 22, 26
    pw, ph = width - left - right, height - top_m - bottom
    d.add(String(0, height - 12, f"{name}" + (f" ({unit})" if unit else ""), fontName="Helvetica-Bold",
                 fontSize=9))
    values = [v for _label, v, s in points if v is not None and not s]
    from siee.observatory.charts import nice_max

    top = nice_max(max(values)) if values and max(values) > 0 else 1.0
    n = len(points)

    def sx(i):
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def sy(v):
        return bottom + ph * max(0.0, v) / top

    for k in range(6):
        v = top * k / 5
        d.add(Line(left, sy(v), left + pw, sy(v), strokeColor=colors.HexColor("#d3d9de"), strokeWidth=0.5))
        d.add(String(left - 4, sy(v) - 3, format_number(v), fontName="Helvetica", fontSize=7, textAnchor="end",
                     fillColor=colors.HexColor("#4a5560")))
    step = max(1, -(-n // 8))
    seg: list[float] = []
    brand = colors.HexColor("#0b4f8a")
    for i, (label, v, suppressed) in enumerate(points):
        if i % step == 0 or i == n - 1:
            d.add(String(sx(i), bottom - 12, label, fontName="Helvetica", fontSize=7, textAnchor="middle",
                         fillColor=colors.HexColor("#4a5560")))
        if v is None or suppressed:
            if len(seg) >= 4:
                d.add(PolyLine(seg, strokeColor=brand, strokeWidth=1.6))
            seg = []
            if suppressed:
                x0, y0 = sx(i) - 4, bottom
                d.add(Rect(x0, y0, 8, 8, fillColor=colors.HexColor("#f3f5f7"), strokeColor=brand, strokeWidth=0.6))
                d.add(Line(x0, y0, x0 + 8, y0 + 8, strokeColor=colors.HexColor("#6b7580"), strokeWidth=0.6))
            continue
        seg += [sx(i), sy(v)]
        d.add(Circle(sx(i), sy(v), 2.2, fillColor=brand, strokeColor=brand))
    if len(seg) >= 4:
        d.add(PolyLine(seg, strokeColor=brand, strokeWidth=1.6))
    last = next(((i, v) for i, (_label, v, s) in reversed(list(enumerate(points))) if v is not None and not s),
                None)
    if last is not None:
        d.add(String(sx(last[0]) - 2, sy(last[1]) + 5, format_value(last[1], unit if len(unit) <= 3 else ""),
                     fontName="Helvetica-Bold", fontSize=8, textAnchor="end", fillColor=brand))
    return d


def _pdf_bar_chart(b: Breakdown, *, width: float):
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    row = 15
    cells = b.cells[:15]
    height = 18 + row * len(cells)
    d = Drawing(width, height)
    d.add(String(0, height - 11, f"{b.name}" + (f" ({b.unit})" if b.unit else ""), fontName="Helvetica-Bold",
                 fontSize=9))
    label_w, value_w = 150, 70
    span = width - label_w - value_w
    values = [v for _label, v, s in cells if v is not None and not s]
    top = max([v for v in values if v > 0], default=0.0)
    for i, (label, v, suppressed) in enumerate(cells):
        y = height - 18 - row * (i + 1) + 3
        text = label if len(label) <= 34 else label[:33] + "…"
        d.add(String(label_w - 4, y + 2, text, fontName="Helvetica", fontSize=7.5, textAnchor="end"))
        if suppressed:
            d.add(Rect(label_w, y, 24, 9, fillColor=colors.HexColor("#f3f5f7"),
                       strokeColor=colors.HexColor("#6b7580"), strokeWidth=0.5))
            for k in range(0, 24, 4):
                d.add(Line(label_w + k, y, label_w + k + 4, y + 9, strokeColor=colors.HexColor("#6b7580"),
                           strokeWidth=0.4))
            d.add(String(label_w + 28, y + 2, suppressed_label(), fontName="Helvetica-Oblique", fontSize=7.5))
        elif v is None:
            d.add(String(label_w, y + 2, "—", fontName="Helvetica", fontSize=7.5))
        else:
            length = 0 if top <= 0 else max(0.0, v) / top * span
            d.add(Rect(label_w, y, length, 9, fillColor=colors.HexColor("#0b4f8a"), strokeColor=None))
            d.add(String(label_w + length + 3, y + 2, format_number(v), fontName="Helvetica", fontSize=7.5))
    return d


def render_pdf(data: Bulletin, *, compress: bool = True) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        KeepTogether,
        ListFlowable,
        ListItem,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    titles = section_titles()
    buf = io.BytesIO()
    doc_title = _("Boletín del mercado de trabajo · %(t)s · %(q)s") % {"t": data.territory_name,
                                                                        "q": data.quarter_label}
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm, title=doc_title, author="SIEE", subject=data.quarter,
                            pageCompression=1 if compress else 0, invariant=1, lang="es")
    styles = getSampleStyleSheet()
    brand = colors.HexColor("#0b4f8a")
    h1 = ParagraphStyle("h1", parent=styles["Heading1"], textColor=brand, fontSize=17, spaceAfter=8)
    h2 = ParagraphStyle("h2", parent=styles["Heading2"], textColor=brand, fontSize=13, spaceBefore=10)
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9.5, leading=13)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#4a5560"))
    cover_title = ParagraphStyle("cover", parent=h1, fontSize=26, leading=32, spaceAfter=18)
    cover_sub = ParagraphStyle("coversub", parent=body, fontSize=15, leading=20)
    width = A4[0] - 4 * cm

    def p(text, style=body):
        return Paragraph(escape(str(text)), style)

    def table(rows, widths, *, header=True, numeric_from=1):
        t = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
        style = [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d3d9de")),
            ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
        ]
        if header:
            style += [("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
                      ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f5f7"))]
        t.setStyle(TableStyle(style))
        return t

    story = [Spacer(1, 4 * cm), p(_("Boletín del mercado de trabajo"), cover_title),
             p(data.territory_name, cover_sub), p(data.quarter_label, cover_sub), Spacer(1, 1.5 * cm),
             p(_("Observatorio del mercado de trabajo · Sistema de Información de Empleo y Emprendimiento (SIEE)")),
             p(_("Generado el %(d)s.") % {"d": data.generated.strftime("%d/%m/%Y")}),
             Spacer(1, 1 * cm),
             p(_("Cifras agregadas de registros administrativos. Las celdas con menos de %(n)d personas, y las que "
                 "permitirían deducirlas, se publican como «reservado».") % {"n": data.threshold}, small),
             PageBreak()]

    story.append(p(titles["summary"], h1))
    if data.summary:
        story.append(ListFlowable([ListItem(p(s), leftIndent=10) for s in data.summary], bulletType="bullet",
                                  start="•", leftIndent=12))
    else:
        story.append(p(_("No hay datos para este territorio y trimestre.")))

    story.append(p(titles["figures"], h2))
    rows = [[_("Indicador"), data.quarter_label, data.previous_label, _("Variación")]]
    for f in data.figures:
        rows.append([Paragraph(escape(f.name), small), f.text, f.previous_text, f.change_text])
    story.append(table(rows, [width * 0.46, width * 0.2, width * 0.2, width * 0.14]))

    if data.series:
        story.append(PageBreak())
        story.append(p(titles["series"], h1))
        for name, unit, points in data.series:
            story.append(KeepTogether([_pdf_line_chart(name, unit, points, width=width, height=150),
                                       Spacer(1, 0.3 * cm)]))
    if data.by_sex:
        story.append(p(titles["sex"], h2))
        groups = []
        for b in data.by_sex:
            groups.extend(label for label, _v, _s in b.cells if label not in groups)
        rows = [[_("Indicador")] + groups]
        for b in data.by_sex:
            cells = {label: (v, s) for label, v, s in b.cells}
            rows.append([Paragraph(escape(b.name), small)] + [value_text(*cells[g], b.unit) if g in cells else "—"
                                                              for g in groups])
        first = 0.4 * width
        rest = (width - first) / max(1, len(groups))
        story.append(table(rows, [first] + [rest] * len(groups)))
    if data.by_territory:
        story.append(PageBreak())
        story.append(p(titles["territory"], h1))
        story.append(_pdf_bar_chart(data.by_territory[0], width=width))
        story.append(Spacer(1, 0.4 * cm))
        labels = []
        for b in data.by_territory:
            labels.extend(label for label, _v, _s in b.cells if label not in labels)
        rows = [[_("Territorio")] + [Paragraph(escape(b.name), small) for b in data.by_territory]]
        index = [{label: (v, s) for label, v, s in b.cells} for b in data.by_territory]
        for label in labels:
            rows.append([label] + [value_text(*ix[label], b.unit) if label in ix else "—"
                                   for ix, b in zip(index, data.by_territory, strict=True)])
        first = 0.34 * width
        rest = (width - first) / len(data.by_territory)
        story.append(table(rows, [first] + [rest] * len(data.by_territory)))
    skills = [b for b in data.rankings if is_skill_ranking(b)]
    others = [b for b in data.rankings if not is_skill_ranking(b)]
    for key, group in (("rankings", skills), ("other_rankings", others)):
        if not group:
            continue
        story.append(PageBreak())
        story.append(p(titles[key], h1))
        for b in group:
            if b.cells:
                story.append(_pdf_bar_chart(b, width=width))
            else:
                story.append(p(b.name, h2))
                story.append(p(_("Sin datos en el trimestre."), small))
            story.append(Spacer(1, 0.4 * cm))
    story.append(p(titles["notes"], h2))
    for text in notes(data):
        story.append(p(text, small))

    footer = _("SIEE · Boletín del mercado de trabajo · %(t)s · %(q)s · página %%(page)d") % {
        "t": data.territory_name, "q": data.quarter_label}

    def on_page(canvas, doc_):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#4a5560"))
        canvas.drawString(2 * cm, 1.2 * cm, footer % {"page": doc_.page})
        canvas.restoreState()

    doc.build(story, onFirstPage=lambda c, d: None, onLaterPages=on_page)
    return buf.getvalue()


def notes(data: Bulletin) -> list[str]:
    return [
        _("Fuente: registros administrativos de los servicios de empleo que usan SIEE (inscripciones, vacantes, "
          "remisiones, colocaciones y seguimientos) en %(t)s.") % {"t": data.territory_name},
        _("Control de divulgación: toda celda calculada sobre menos de %(n)d personas se reserva, y se reservan "
          "celdas complementarias para que los totales no permitan deducirlas.") % {"n": data.threshold},
        _("Variación: diferencia en puntos porcentuales (p. p.) para los indicadores en %%; variación porcentual "
          "para los demás. Trimestre anterior: %(p)s.") % {"p": data.previous_label},
        _("Las definiciones de cada indicador están en la hoja «Diccionario» de la versión Excel del boletín."),
    ]


# --- XLSX ------------------------------------------------------------------------------------------------------

SHEETS = ["Resumen", "Indicadores", "Evolución", "Por sexo", "Por territorio", "Clasificaciones", "Diccionario"]


def render_xlsx(data: Bulletin) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="F3F5F7")
    reserved_font = Font(italic=True, color="4A5560")
    wb = Workbook()

    def header(ws, row: list[str]):
        ws.append(row)
        for cell in ws[ws.max_row]:
            cell.font = bold
            cell.fill = head_fill
        ws.freeze_panes = f"A{ws.max_row + 1}"

    def put(value, suppressed: bool):
        """A numeric cell, or the word 'reservado' (never the number)."""
        if suppressed:
            return suppressed_label()
        return value

    def widths(ws, sizes):
        for i, w in enumerate(sizes, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w

    ws = wb.active
    ws.title = "Resumen"
    ws.append([_("Boletín del mercado de trabajo")])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_("Territorio"), data.territory_name, data.territory_code])
    ws.append([_("Trimestre"), data.quarter_label, data.quarter])
    ws.append([_("Generado"), data.generated.isoformat()])
    ws.append([_("Umbral de reserva (personas)"), data.threshold])
    ws.append([])
    ws.append([_("Resumen ejecutivo")])
    ws.cell(row=ws.max_row, column=1).font = bold
    for s in data.summary:
        ws.append([s])
    ws.append([])
    for text in notes(data):
        ws.append([text])
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=False)
    widths(ws, [110, 30, 12])

    ws = wb.create_sheet("Indicadores")
    header(ws, [_("Código"), _("Indicador"), _("Categoría"), _("Unidad"), data.quarter, data.previous_label,
                _("Variación"), _("Tipo de variación"), _("Nota")])
    for f in data.figures:
        ws.append([f.code, f.name, f.category, f.unit, put(f.value, f.suppressed),
                   put(f.previous, f.previous_suppressed),
                   None if f.change is None else round(f.change, 2),
                   _("puntos porcentuales") if f.unit == "%" else _("porcentaje"), f.note])
        for col, suppressed in ((5, f.suppressed), (6, f.previous_suppressed)):
            if suppressed:
                ws.cell(row=ws.max_row, column=col).font = reserved_font
    widths(ws, [26, 50, 18, 12, 14, 14, 12, 20, 40])

    ws = wb.create_sheet("Evolución")
    labels: list[str] = []
    for _name, _unit, points in data.series:
        labels.extend(label for label, _v, _s in points if label not in labels)
    header(ws, [_("Indicador"), _("Unidad")] + labels)
    for name, unit, points in data.series:
        index = {label: (v, s) for label, v, s in points}
        ws.append([name, unit] + [put(*index[label]) if label in index else None for label in labels])
    widths(ws, [50, 12] + [12] * len(labels))

    ws = wb.create_sheet("Por sexo")
    header(ws, [_("Código"), _("Indicador"), _("Unidad"), _("Sexo"), _("Valor")])
    for b in data.by_sex:
        for label, v, s in b.cells:
            ws.append([b.code, b.name, b.unit, label, put(v, s)])
    widths(ws, [26, 50, 12, 16, 14])

    ws = wb.create_sheet("Por territorio")
    header(ws, [_("Código"), _("Indicador"), _("Unidad"), _("Territorio"), _("Valor")])
    for b in data.by_territory:
        for label, v, s in b.cells:
            ws.append([b.code, b.name, b.unit, label, put(v, s)])
    widths(ws, [26, 50, 12, 34, 14])

    ws = wb.create_sheet("Clasificaciones")
    header(ws, [_("Código"), _("Clasificación"), _("Posición"), _("Elemento"), _("Valor"), _("Unidad")])
    for b in data.rankings:
        for pos, (label, v, s) in enumerate(b.cells, start=1):
            ws.append([b.code, b.name, pos, label, put(v, s), b.unit])
    widths(ws, [26, 40, 10, 50, 12, 12])

    ws = wb.create_sheet("Diccionario")
    header(ws, [_("Código"), _("Nombre"), _("Descripción"), _("Unidad"), _("Tipo"), _("Categoría"),
                _("Desagregaciones"), _("Publicado")])
    for d in data.dictionary:
        ws.append([d["code"], d["name"], d["description"], d["unit"], d["kind"], d["category"], d["dimensions"],
                   _("sí") if d["published"] else _("no")])
    ws.append([])
    ws.append([_("«reservado»: celda suprimida por control de divulgación (menos de %(n)d personas o supresión "
                 "complementaria).") % {"n": data.threshold}])
    widths(ws, [26, 44, 70, 12, 10, 18, 40, 10])

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
