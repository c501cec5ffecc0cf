"""Territory map as SVG: one proportional dot per municipality (or department) at its centroid.

Pure Python. Centroids come from `Territory.lat`/`lon` (loaded from the geo reference files). The projection is
equirectangular (x = longitude x cos(mean latitude), y = -latitude), fitted to the bounding box of the points.
Dots are coloured with a 5-class sequential palette (equal-interval class breaks, shown in the legend) and
sized by the square root of the value; each dot links to the drill-down. A suppressed value is a hatched grey
dot labelled "reservado"; the number is never written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from siee.observatory.charts import (
    MUTED,
    Datum,
    _attr,
    _describe,
    _num,
    _open_svg,
    _text,
    chart_id,
    empty_chart,
    format_number,
    format_value,
    suppressed_label,
)

# ColorBrewer "Blues" (5 classes, darkest readable on white).
SEQUENTIAL = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
NO_DATA = "#ffffff"


@dataclass
class MapPoint:
    code: str
    label: str
    lat: float | None
    lon: float | None
    value: float | None
    suppressed: bool = False
    href: str | None = None


def class_breaks(values: list[float], classes: int = 5) -> list[float]:
    """Equal-interval upper bounds of each class between min and max (the last is the max)."""
    if not values:
        return []
    low, high = min(values), max(values)
    if high == low:
        return [high]
    step = (high - low) / classes
    bounds = [low + step * (k + 1) for k in range(classes)]
    if all(float(v).is_integer() for v in values):  # counts: whole-number classes
        bounds = [float(math.ceil(b - 1e-9)) for b in bounds]
        bounds = [b for i, b in enumerate(bounds) if i == 0 or b > bounds[i - 1]]
    return bounds


def color_for(value: float, breaks: list[float]) -> str:
    for k, bound in enumerate(breaks):
        if value <= bound + 1e-9:
            return SEQUENTIAL[k if len(breaks) > 1 else len(SEQUENTIAL) - 1]
    return SEQUENTIAL[-1]


def project(points: list[MapPoint], *, width: float, height: float, pad: float) -> dict[str, tuple[float, float]]:
    """Equirectangular projection fitted (aspect kept) into the box [pad, width-pad] x [pad, height-pad]."""
    placed = [p for p in points if p.lat is not None and p.lon is not None]
    if not placed:
        return {}
    mean_lat = sum(p.lat for p in placed) / len(placed)
    k = math.cos(math.radians(mean_lat))
    xs = {p.code: p.lon * k for p in placed}
    ys = {p.code: -p.lat for p in placed}
    min_x, max_x = min(xs.values()), max(xs.values())
    min_y, max_y = min(ys.values()), max(ys.values())
    span_x, span_y = max_x - min_x, max_y - min_y
    avail_w, avail_h = width - 2 * pad, height - 2 * pad
    if span_x == 0 and span_y == 0:
        return {p.code: (width / 2, height / 2) for p in placed}
    scale = min(avail_w / span_x if span_x else math.inf, avail_h / span_y if span_y else math.inf)
    off_x = pad + (avail_w - span_x * scale) / 2
    off_y = pad + (avail_h - span_y * scale) / 2
    return {c: (off_x + (xs[c] - min_x) * scale, off_y + (ys[c] - min_y) * scale) for c in xs}


MAP_WIDTH = 380
MAP_HEIGHT = 330
LEGEND_H = 70
R_MIN, R_MAX = 5.0, 20.0


def territory_map(points: list[MapPoint], *, title: str, unit: str = "", width: int = MAP_WIDTH,
                  height: int = MAP_HEIGHT) -> str:
    placed = [p for p in points if p.lat is not None and p.lon is not None]
    if not placed:
        return empty_chart(title, _("No hay coordenadas para los territorios de este nivel."), width=width)
    uid = chart_id("map", title, unit, *[(p.code, p.value, p.suppressed) for p in placed])
    total_h = height + LEGEND_H
    desc = _describe([Datum(p.label, p.value, p.suppressed) for p in placed], unit)
    out = _open_svg(uid, width, total_h, title, desc, "map")
    out.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f7fafc" stroke="#d3d9de"/>')
    xy = project(placed, width=width, height=height, pad=R_MAX + 6)
    values = [float(p.value) for p in placed if not p.suppressed and p.value is not None]
    breaks = class_breaks(values)
    top = max([abs(v) for v in values], default=0.0)
    # Big dots first so small ones stay clickable on top.
    order = sorted(placed, key=lambda p: -(abs(p.value) if p.value is not None and not p.suppressed else 0))
    for p in order:
        x, y = xy[p.code]
        if p.suppressed:
            r, fill, cls, text = R_MIN + 2, f"url(#{uid}-hatch)", "dot suppressed", suppressed_label()
            extra = ' data-suppressed="1"'
        elif p.value is None:
            r, fill, cls, text, extra = R_MIN - 1, NO_DATA, "dot nodata", _("sin dato"), ""
        else:
            v = float(p.value)
            r = R_MIN + (R_MAX - R_MIN) * (math.sqrt(abs(v) / top) if top else 0.0)
            fill, cls, text = color_for(v, breaks), "dot", format_value(v, unit)
            extra = f' data-value="{v!r}"'
        circle = (f'<circle class="{cls}" data-code={_attr(p.code)}{extra} cx="{_num(x)}" cy="{_num(y)}" '
                  f'r="{_num(r)}" fill="{fill}" stroke="#1b1f24" stroke-width="1" fill-opacity="0.9">'
                  f'<title>{escape(p.label)}: {escape(text)}</title></circle>')
        if p.href:
            circle = f'<a href={_attr(p.href)} aria-label={_attr(p.label + ": " + text)}>{circle}</a>'
        out.append(circle)
    if len(placed) <= 14:  # names when they fit
        for p in placed:
            x, y = xy[p.code]
            name = _short_name(p.label)
            half = 3.5 * len(name)  # about half the text width at 12 px
            anchor, tx = "middle", x
            if x - half < 2:
                anchor, tx = "start", 2
            elif x + half > width - 2:
                anchor, tx = "end", width - 2
            out.append(_text(tx, y - R_MAX - 2 if y > 40 else y + R_MAX + 12, name, anchor=anchor, size=12,
                             fill="#1b1f24"))
    # Legend: class breaks.
    ly = height + 14
    out.append(_text(6, ly + 2, unit or _("valor"), size=12, fill=MUTED))
    integral = all(float(v).is_integer() for v in values)
    lows = ([min(values)] + [b + 1 if integral else b for b in breaks[:-1]]) if values else []
    x = 6
    for k, bound in enumerate(breaks):
        color = SEQUENTIAL[k if len(breaks) > 1 else len(SEQUENTIAL) - 1]
        label = (f"{format_number(lows[k])}–{format_number(bound)}"
                 if len(breaks) > 1 and lows[k] != bound else format_number(bound))
        out.append(f'<rect class="legend-class" x="{x}" y="{ly + 10}" width="14" height="14" fill="{color}" '
                   f'stroke="#1b1f24"/>')
        out.append(_text(x + 18, ly + 21, label, size=12))
        x += 28 + 7 * len(label)
        if x > width - 80 and k < len(breaks) - 1:
            x, ly = 6, ly + 20
    out.append(f'<rect x="6" y="{ly + 32}" width="14" height="14" fill="url(#{uid}-hatch)" stroke="#1b1f24"/>')
    out.append(_text(24, ly + 43, suppressed_label(), size=12))
    out.append(_text(100, ly + 43, _("tamaño proporcional al valor"), size=12, fill=MUTED))
    out.append("</svg>")
    svg = "".join(out)
    # Grow the canvas if the legend wrapped.
    needed = ly + 52
    if needed > total_h:
        svg = svg.replace(f'viewBox="0 0 {width} {total_h}" width="{width}" height="{total_h}"',
                          f'viewBox="0 0 {width} {needed}" width="{width}" height="{needed}"', 1)
    return svg


def _short_name(label: str) -> str:
    name = label.split(",")[0]
    return name if len(name) <= 18 else name[:17] + "…"
