"""Server-side SVG charts for the observatory: no JavaScript library, nothing fetched at run time.

Pure Python (only gettext from Django): every renderer takes plain data (`Datum`, `Series`) and returns an SVG
string that is accessible (`role="img"`, `<title>`, `<desc>`) and legible on a phone (a narrow viewBox that
scales down little). Pages show an HTML table with the same figures next to each chart.

Numbers use the Spanish convention: thousands with ".", decimals with ",". A suppressed cell (statistical
disclosure control) is drawn as a hatched "reservado" mark and its number is never written anywhere.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _

PALETTE = ["#0b4f8a", "#c2410c", "#15803d", "#7c3aed", "#be185d", "#0e7490", "#854d0e"]
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif'
TEXT = "#1b1f24"
MUTED = "#4a5560"
GRID = "#d3d9de"


@dataclass
class Datum:
    """One value to draw: a bar, a point of a series, a map dot. `value` is None when there is no data."""

    label: str
    value: float | None
    suppressed: bool = False
    href: str | None = None
    key: str = ""


@dataclass
class Series:
    name: str
    points: list[Datum] = field(default_factory=list)


# --- number formatting ---------------------------------------------------------------------------------------

def format_number(value, decimals: int | None = None) -> str:
    """Spanish formatting: 1234567.891 -> '1.234.567,9'; integers keep no decimals."""
    if value is None:
        return "—"
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        return "—"
    if decimals is None:
        decimals = 0 if value.is_integer() or abs(value) >= 1000 else (1 if abs(value) >= 1 else 2)
    rounded = Decimal(repr(abs(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    negative = value < 0 and text.strip("0,.") != ""
    return ("-" if negative else "") + text


def format_value(value, unit: str = "", *, decimals: int | None = None) -> str:
    """A value with its unit: '12,3 %', '1.234 personas', '1.500.000 COP'."""
    if value is None:
        return "—"
    if decimals is None and unit == "%":
        decimals = 1
    text = format_number(value, decimals)
    return f"{text} {unit}".strip() if unit else text


def display_number(value, unit: str = "") -> str:
    """The number alone, with the decimals its unit calls for (percentages always one decimal)."""
    return format_number(value, 1 if unit == "%" and value is not None else None)


def suppressed_label() -> str:
    return _("reservado")


def period_label(period) -> str:
    """'2026Q3' -> 'III trimestre 2026'; '2026-07' -> 'julio 2026'; '2026' -> 'año 2026'."""
    if period.kind == "quarter":
        roman = ["I", "II", "III", "IV"][(period.start.month - 1) // 3]
        return _("%(q)s trimestre %(y)s") % {"q": roman, "y": period.start.year}
    if period.kind == "month":
        from django.utils.dates import MONTHS

        return f"{str(MONTHS[period.start.month]).lower()} {period.start.year}"
    return _("año %(y)s") % {"y": period.start.year}


# --- SVG helpers ---------------------------------------------------------------------------------------------

def chart_id(*parts) -> str:
    """A deterministic id so several charts on one page never share pattern/title ids."""
    digest = hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:10]
    return f"c{digest}"


def _attr(value) -> str:
    return quoteattr(str(value))


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _open_svg(uid: str, width: int, height: int, title: str, desc: str, css_class: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="obs-chart {css_class}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{uid}-t {uid}-d" '
        f'font-family={_attr(FONT)} font-size="14" id="{uid}">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
        f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f3f5f7"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#6b7580" stroke-width="2"/></pattern></defs>',
    ]


def _text(x, y, content, *, anchor="start", size=None, fill=TEXT, weight=None, extra="") -> str:
    attrs = f'x="{_num(x)}" y="{_num(y)}" fill="{fill}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if size:
        attrs += f' font-size="{size}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    return f"<text {attrs}{extra}>{escape(str(content))}</text>"


def _describe(items: list[Datum], unit: str) -> str:
    parts = []
    for d in items:
        if d.suppressed:
            parts.append(f"{d.label}: {suppressed_label()}")
        elif d.value is None:
            parts.append(f"{d.label}: {_('sin dato')}")
        else:
            parts.append(f"{d.label}: {format_value(d.value, unit)}")
    return "; ".join(parts)


def nice_max(value: float) -> float:
    """The smallest 1/2/2.5/5 x 10^k not below value (axis top)."""
    if value <= 0:
        return 1.0
    exp = math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        top = m * 10**exp
        if top >= value - 1e-12:
            return float(top)
    return float(10 ** (exp + 1))


def empty_chart(title: str, message: str | None = None, *, width: int = 380) -> str:
    uid = chart_id("empty", title)
    message = message or _("No hay datos para mostrar.")
    out = _open_svg(uid, width, 60, title, message, "empty")
    out.append(_text(width / 2, 34, message, anchor="middle", fill=MUTED))
    out.append("</svg>")
    return "".join(out)


# --- horizontal bars -----------------------------------------------------------------------------------------

BAR_WIDTH = 380
BAR_PAD = 8
BAR_ROW = 40
BAR_HEIGHT = 16
BAR_VALUE_ROOM = 96


def bar_chart(items: list[Datum], *, title: str, unit: str = "", width: int = BAR_WIDTH,
              color: str = PALETTE[0]) -> str:
    """Horizontal bars by category. Each row: the label on top, the bar below, the value at its end.

    Bar length is proportional to the value (0 .. the largest value); a suppressed cell is a short hatched
    mark with the word "reservado"; a missing value writes "sin dato".
    """
    if not items:
        return empty_chart(title, width=width)
    uid = chart_id("bar", title, unit, *[(d.label, d.value, d.suppressed) for d in items])
    visible = [d.value for d in items if not d.suppressed and d.value is not None]
    top = max([v for v in visible if v > 0], default=0.0)
    span = width - 2 * BAR_PAD - BAR_VALUE_ROOM
    height = BAR_PAD * 2 + BAR_ROW * len(items)
    out = _open_svg(uid, width, height, title, _describe(items, unit), "bar")
    for i, d in enumerate(items):
        y = BAR_PAD + i * BAR_ROW
        row = [_text(BAR_PAD, y + 13, _truncate(d.label, 46))]
        by = y + 18
        if d.suppressed:
            row.append(f'<rect class="bar suppressed" data-suppressed="1" x="{BAR_PAD}" y="{by}" width="36" '
                       f'height="{BAR_HEIGHT}" fill="url(#{uid}-hatch)" stroke="#6b7580"/>')
            row.append(_text(BAR_PAD + 42, by + 12.5, suppressed_label(), fill=MUTED, extra=' font-style="italic"'))
        elif d.value is None:
            row.append(_text(BAR_PAD, by + 12.5, _("sin dato"), fill=MUTED, extra=' font-style="italic"'))
        else:
            length = 0.0 if top <= 0 else max(0.0, float(d.value)) / top * span
            row.append(f'<rect class="bar" data-value="{float(d.value)!r}" x="{BAR_PAD}" y="{by}" '
                       f'width="{length:.3f}" height="{BAR_HEIGHT}" fill="{color}"/>')
            row.append(_text(BAR_PAD + length + 6, by + 12.5, _bar_text(d.value, unit), weight="600"))
        body = "".join(row)
        if d.href:
            body = f'<a href={_attr(d.href)}>{body}</a>'
        out.append(f'<g class="row" data-key={_attr(d.key or d.label)}>{body}</g>')
    out.append("</svg>")
    return "".join(out)


def grouped_bar_chart(categories: list[str], groups: list[Series], *, title: str, unit: str = "",
                      width: int = BAR_WIDTH) -> str:
    """Horizontal grouped bars: one block per category, one bar per group (e.g. women / men), with a legend.

    `groups[g].points[c]` is the value of group g in category c (same order as `categories`).
    """
    if not categories or not groups:
        return empty_chart(title, width=width)
    uid = chart_id("grouped", title, unit, *categories,
                   *[(g.name, [(p.value, p.suppressed) for p in g.points]) for g in groups])
    values = [p.value for g in groups for p in g.points if not p.suppressed and p.value is not None]
    top = max([v for v in values if v > 0], default=0.0)
    span = width - 2 * BAR_PAD - BAR_VALUE_ROOM
    legend_h = 24
    block = 22 + len(groups) * (BAR_HEIGHT + 4) + 8
    height = BAR_PAD * 2 + legend_h + block * len(categories)
    desc = []
    for c, cat in enumerate(categories):
        for g in groups:
            d = g.points[c] if c < len(g.points) else Datum(cat, None)
            desc.append(Datum(f"{cat}, {g.name}", d.value, d.suppressed))
    out = _open_svg(uid, width, height, title, _describe(desc, unit), "grouped")
    x = BAR_PAD
    for gi, g in enumerate(groups):
        color = PALETTE[gi % len(PALETTE)]
        out.append(f'<rect x="{x}" y="{BAR_PAD + 2}" width="12" height="12" fill="{color}"/>')
        out.append(_text(x + 16, BAR_PAD + 12.5, g.name))
        x += 28 + 7.5 * len(g.name)
    for c, cat in enumerate(categories):
        y = BAR_PAD + legend_h + c * block
        out.append(f'<g class="category" data-key={_attr(cat)}>')
        out.append(_text(BAR_PAD, y + 13, _truncate(cat, 46), weight="600"))
        for gi, g in enumerate(groups):
            d = g.points[c] if c < len(g.points) else Datum(cat, None)
            by = y + 20 + gi * (BAR_HEIGHT + 4)
            color = PALETTE[gi % len(PALETTE)]
            if d.suppressed:
                out.append(f'<rect class="bar suppressed" data-suppressed="1" data-group={_attr(g.name)} '
                           f'x="{BAR_PAD}" y="{by}" width="36" height="{BAR_HEIGHT}" fill="url(#{uid}-hatch)" '
                           f'stroke="{color}"/>')
                out.append(_text(BAR_PAD + 42, by + 12.5, suppressed_label(), fill=MUTED,
                                 extra=' font-style="italic"'))
            elif d.value is None:
                out.append(_text(BAR_PAD, by + 12.5, _("sin dato"), fill=MUTED, extra=' font-style="italic"'))
            else:
                length = 0.0 if top <= 0 else max(0.0, float(d.value)) / top * span
                out.append(f'<rect class="bar" data-group={_attr(g.name)} data-value="{float(d.value)!r}" '
                           f'x="{BAR_PAD}" y="{by}" width="{length:.3f}" height="{BAR_HEIGHT}" fill="{color}"/>')
                out.append(_text(BAR_PAD + length + 6, by + 12.5, _bar_text(d.value, unit)))
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


# --- time series ---------------------------------------------------------------------------------------------

LINE_WIDTH = 380
LINE_HEIGHT = 230


def line_chart(series: list[Series], *, title: str, unit: str = "", width: int = LINE_WIDTH,
               height: int = LINE_HEIGHT) -> str:
    """Time-series lines over shared period labels (the first series sets the x axis).

    The y axis starts at 0. A suppressed point breaks the line and is marked with a hatched square; a
    missing point just breaks the line.
    """
    series = [s for s in series if s.points]
    if not series:
        return empty_chart(title, width=width)
    labels: list[str] = []
    for s in series:
        for p in s.points:
            if p.label not in labels:
                labels.append(p.label)
    uid = chart_id("line", title, unit, *[(s.name, [(p.label, p.value, p.suppressed) for p in s.points])
                                           for s in series])
    values = [p.value for s in series for p in s.points if not p.suppressed and p.value is not None]
    low = min(0.0, min(values, default=0.0))
    top = nice_max(max(values, default=0.0)) if values and max(values) > 0 else 1.0
    legend_h = 22 if len(series) > 1 else 4
    left, right, top_m, bottom = 58, 30, 12 + legend_h, 44
    plot_w, plot_h = width - left - right, height - top_m - bottom
    desc = [Datum(f"{s.name}, {p.label}" if len(series) > 1 else p.label, p.value, p.suppressed)
            for s in series for p in s.points]
    out = _open_svg(uid, width, height, title, _describe(desc, unit), "line")

    def sx(i: int) -> float:
        return left + (plot_w * (i / (len(labels) - 1)) if len(labels) > 1 else plot_w / 2)

    def sy(v: float) -> float:
        return top_m + plot_h - (float(v) - low) / (top - low) * plot_h

    if len(series) > 1:
        x = left
        for si, s in enumerate(series):
            color = PALETTE[si % len(PALETTE)]
            out.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{color}"/>')
            out.append(_text(x + 16, 16.5, _truncate(s.name, 40)))
            x += 28 + 7.2 * min(len(s.name), 40)
    for k in range(6):
        v = low + (top - low) * k / 5
        y = sy(v)
        out.append(f'<line x1="{left}" y1="{_num(y)}" x2="{left + plot_w}" y2="{_num(y)}" stroke="{GRID}"/>')
        out.append(_text(left - 6, y + 4, _short_number(v), anchor="end", size=12, fill=MUTED))
    step = max(1, math.ceil(len(labels) / 6))
    for i, label in enumerate(labels):
        if i % step == 0 or i == len(labels) - 1:
            out.append(_text(sx(i), top_m + plot_h + 18, label, anchor="middle", size=12, fill=MUTED))
    if unit:
        out.append(_text(left, height - 6, unit, size=12, fill=MUTED))
    for si, s in enumerate(series):
        color = PALETTE[si % len(PALETTE)]
        index = {p.label: p for p in s.points}
        segments: list[list[tuple[float, float]]] = [[]]
        marks = []
        for i, label in enumerate(labels):
            p = index.get(label)
            if p is None or p.value is None or p.suppressed:
                if segments[-1]:
                    segments.append([])
                if p is not None and p.suppressed:
                    marks.append(f'<rect class="point suppressed" data-suppressed="1" data-label={_attr(label)} '
                                 f'x="{_num(sx(i) - 5)}" y="{_num(top_m + plot_h - 12)}" width="10" height="10" '
                                 f'fill="url(#{uid}-hatch)" stroke="{color}"><title>{escape(label)}: '
                                 f'{escape(suppressed_label())}</title></rect>')
                continue
            x, y = sx(i), sy(p.value)
            segments[-1].append((x, y))
            marks.append(f'<circle class="point" data-label={_attr(label)} data-value="{float(p.value)!r}" '
                         f'cx="{_num(x)}" cy="{_num(y)}" r="3.5" fill="{color}"><title>{escape(label)}: '
                         f'{escape(format_value(p.value, unit))}</title></circle>')
        for seg in segments:
            if len(seg) > 1:
                pts = " ".join(f"{_num(x)},{_num(y)}" for x, y in seg)
                out.append(f'<polyline class="series" data-series={_attr(s.name)} points="{pts}" fill="none" '
                           f'stroke="{color}" stroke-width="2.5" stroke-linejoin="round"/>')
        out.extend(marks)
        last = next((p for p in reversed(s.points) if p.value is not None and not p.suppressed), None)
        if last is not None and len(series) == 1:
            i = labels.index(last.label)
            anchor = "end" if i > len(labels) / 2 else "start"
            dx = -6 if anchor == "end" else 6
            out.append(_text(sx(i) + dx, sy(last.value) - 8, format_value(last.value, unit), anchor=anchor,
                             weight="600", fill=color))
    out.append("</svg>")
    return "".join(out)


def _short_number(v: float) -> str:
    """Axis labels: 1.500.000 -> '1,5 M', 25.000 -> '25 mil'."""
    a = abs(v)
    if a >= 1_000_000:
        return format_number(v / 1_000_000, 1 if (v / 1_000_000) % 1 else 0) + " M"
    if a >= 10_000:
        return format_number(v / 1000, 0) + " mil"
    return format_number(v, 0 if float(v).is_integer() else 1)


def _bar_text(value, unit: str) -> str:
    """Short units ("%") go next to the number; long ones ("personas") are in the caption and the table."""
    return format_value(value, unit) if len(unit) <= 3 else format_number(value)


def _truncate(text: str, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


# --- table alternative ---------------------------------------------------------------------------------------

def table_rows(items: list[Datum], unit: str = "") -> list[dict]:
    """Rows for the HTML table shown next to a chart: label, display text, suppressed flag, link."""
    rows = []
    for d in items:
        if d.suppressed:
            text = suppressed_label()
        elif d.value is None:
            text = "—"
        else:
            text = format_value(d.value, unit)
        rows.append({"label": d.label, "text": text, "suppressed": d.suppressed, "href": d.href, "key": d.key})
    return rows


# --- adapters from the engine's IndicatorResult / Cell (duck-typed, so this module stays pure) ---------------

def short_label(label: str, parent_name: str = "") -> str:
    """'Girón, Santander' -> 'Girón' when the chart is already about Santander."""
    label = str(label)
    for suffix in {parent_name, parent_name.split(",")[0]} - {""}:
        if label.endswith(", " + suffix):
            return label[: -len(suffix) - 2]
    return label


def cells_to_data(result, *, href_for=None) -> list[Datum]:
    """The breakdown cells of an IndicatorResult as Datum; `href_for(cell)` gives the drill-down link."""
    out = []
    parent = str(getattr(result, "territory_name", "") or "") if getattr(result, "breakdown", None) == "territory" else ""
    for cell in getattr(result, "cells", None) or []:
        suppressed = bool(getattr(cell, "suppressed", False))
        out.append(Datum(label=short_label(cell.label or cell.key, parent), value=None if suppressed else cell.value,
                         suppressed=suppressed, href=href_for(cell) if href_for else None, key=str(cell.key)))
    return out


def results_to_series(name: str, results) -> Series:
    """Totals of an indicator over several periods (services.series) as one line."""
    points = []
    for r in results:
        suppressed = bool(getattr(r, "suppressed", False))
        points.append(Datum(label=str(r.period), value=None if suppressed else r.value, suppressed=suppressed))
    return Series(name, points)


def result_text(result) -> str:
    """The headline text of a result: its value with unit, "reservado", or "—"."""
    if getattr(result, "suppressed", False):
        return suppressed_label()
    return format_value(getattr(result, "value", None), getattr(result, "unit", ""))
