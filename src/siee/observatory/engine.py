"""Indicator engine core: definitions as data, formula evaluation over pre-aggregated facts, validation.

Pure Python (no Django): the Django side (`siee.observatory.facts`, `services`) reads aggregate rows from the
fact table and hands them here. An indicator is a `Definition`:

* ``count`` / ``sum`` / ``mean`` / ``median`` of one measure (`numerator` operand, with optional filters);
* ``ratio``: numerator operand / denominator operand x factor (each operand is count, sum, mean or median of a
  measure with filters, so "median wage offered / median wage expected" is a ratio too);
* ``ranking``: the items (skills...) of a measure ranked by count, optionally minus another measure
  (``subtract``: demand minus supply), top N.

Operands are evaluated from `Acc` accumulators (count, total and a value histogram), so medians are exact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

KINDS = ("count", "sum", "ratio", "median", "mean", "ranking")
STATS = ("count", "sum", "mean", "median")
PERIODICITIES = ("month", "quarter", "year")

# Breakdown dimensions. "territory" and the ISCO levels are derived (municipality -> child territory, isco4 prefix).
PERSON_DIMENSIONS = ("sex", "age_group", "nationality", "migratory_status", "disability", "education_level")
JOB_DIMENSIONS = ("isco1", "isco2", "isco3", "isco4", "isic_section", "employer_size")
ALL_DIMENSIONS = ("territory",) + PERSON_DIMENSIONS + JOB_DIMENSIONS
FACT_COLUMNS = PERSON_DIMENSIONS + ("isco4", "isic_section", "employer_size")

AGE_GROUPS = (("<18", 0, 17), ("18-24", 18, 24), ("25-28", 25, 28), ("29-39", 29, 39), ("40-54", 40, 54),
              ("55+", 55, 200))


def age_group(age: int | None) -> str:
    """Age group of an age in years (age reached in the year of the event)."""
    if age is None:
        return ""
    for label, low, high in AGE_GROUPS:
        if low <= age <= high:
            return label
    return ""


def column_of(dimension: str) -> str:
    """Fact column that holds a dimension (ISCO levels live in `isco4`)."""
    return "isco4" if dimension in ("isco1", "isco2", "isco3") else dimension


def key_of(dimension: str, value: str) -> str:
    """Cell key of a fact column value for a breakdown (ISCO levels are prefixes of the 4-digit code)."""
    if dimension in ("isco1", "isco2", "isco3"):
        return (value or "")[: int(dimension[-1])]
    return value or ""


@dataclass(frozen=True)
class Operand:
    measure: str
    stat: str = "count"
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def parse(cls, data) -> Operand:
        """From a measure code or a dict {"measure": ..., "stat": ..., "filters": {dim: value or [values]}}."""
        if isinstance(data, Operand):
            return data
        if isinstance(data, str):
            return cls(measure=data)
        filters = data.get("filters") or {}
        items = []
        for dim, values in sorted(filters.items()):
            values = values if isinstance(values, list | tuple) else [values]
            items.append((dim, tuple(str(v) for v in values)))
        return cls(measure=data["measure"], stat=data.get("stat") or "count", filters=tuple(items))

    def to_dict(self) -> dict:
        out: dict = {"measure": self.measure, "stat": self.stat}
        if self.filters:
            out["filters"] = {d: list(v) for d, v in self.filters}
        return out

    def matches(self, row: Mapping) -> bool:
        for dim, values in self.filters:
            if key_of(dim, row.get(column_of(dim), "")) not in values:
                return False
        return True


@dataclass(frozen=True)
class Definition:
    code: str
    name: str
    kind: str
    unit: str
    numerator: Operand
    denominator: Operand | None = None
    factor: float = 1.0
    description: str = ""
    category: str = ""
    periodicity: str = "quarter"
    dimensions: tuple[str, ...] = ()
    cumulative: bool = False  # a stock: everything up to the end of the period, not only within it
    published: bool = True
    builtin: bool = True
    subtract: Operand | None = None  # ranking: count(numerator item) - count(subtract item)
    top: int = 10

    def operands(self) -> list[Operand]:
        return [o for o in (self.numerator, self.denominator, self.subtract) if o is not None]


@dataclass
class Acc:
    """Accumulated facts of one cell: record count, sum of values and a value histogram (for medians)."""

    count: int = 0
    total: int = 0
    hist: Counter = field(default_factory=Counter)

    def add(self, count: int, total: int = 0, bucket: int | None = None) -> None:
        self.count += int(count)
        self.total += int(total or 0)
        if bucket is not None:
            self.hist[int(bucket)] += int(count)


def median_of(hist: Mapping[int, int]) -> float | None:
    """Exact median of a histogram {value: count}; the mean of the two middle values when the count is even."""
    n = sum(hist.values())
    if n <= 0:
        return None
    lo_rank, hi_rank = (n - 1) // 2, n // 2
    lo = hi = None
    seen = 0
    for value in sorted(hist):
        c = hist[value]
        if c <= 0:
            continue
        if lo is None and seen + c > lo_rank:
            lo = value
        if seen + c > hi_rank:
            hi = value
            break
        seen += c
    return (lo + hi) / 2


def stat_value(stat: str, acc: Acc | None) -> float | None:
    if acc is None:
        acc = Acc()
    if stat == "count":
        return float(acc.count)
    if stat == "sum":
        return float(acc.total)
    if stat == "mean":
        return acc.total / acc.count if acc.count else None
    if stat == "median":
        return median_of(acc.hist)
    raise ValueError(stat)


@dataclass
class CellValue:
    key: str
    value: float | None
    numerator: float | None
    denominator: float | None
    basis: tuple[int, ...]  # unit counts behind the cell, for disclosure control


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def evaluate(defn: Definition, num: Acc | None, den: Acc | None = None, *, key: str = "") -> CellValue:
    """Value of a non-ranking indicator for one cell from the accumulators of its operands."""
    n = stat_value(defn.numerator.stat, num)
    n_count = num.count if num else 0
    if defn.kind != "ratio":
        return CellValue(key, _round(n), _round(n), None, (n_count,))
    d = stat_value(defn.denominator.stat, den)
    d_count = den.count if den else 0
    value = n / d * defn.factor if (n is not None and d) else None
    return CellValue(key, _round(value), _round(n), _round(d), (n_count, d_count))


def rank(defn: Definition, demand: Mapping[str, int], supply: Mapping[str, int] | None = None) -> list[tuple[str, int, int]]:
    """Ranked (item, score, demand) with score = demand - supply (or demand), positive scores only, top N."""
    supply = supply or {}
    scored = [(item, d - supply.get(item, 0) if defn.subtract else d, d) for item, d in demand.items()]
    scored = [s for s in scored if s[1] > 0]
    scored.sort(key=lambda s: (-s[1], -s[2], s[0]))
    return scored[: defn.top]


# --- validation of analyst-defined indicators -------------------------------------------------------------

@dataclass(frozen=True)
class MeasureInfo:
    """What the engine knows of a measure to validate definitions."""

    code: str
    dimensions: tuple[str, ...]
    has_value: bool = False  # sum/mean make sense
    histogram: bool = False  # median makes sense
    ranking: bool = False


def validate(data: Mapping, *, measures: Mapping[str, MeasureInfo], taken_codes: Iterable[str] = ()) -> dict[str, list[str]]:
    """Field -> reasons (Spanish) for an indicator definition dict; empty when valid."""
    import re

    errors: dict[str, list[str]] = {}

    def err(fieldname: str, reason: str) -> None:
        errors.setdefault(fieldname, []).append(reason)

    code = str(data.get("code") or "").strip()
    if not code:
        err("code", "El código es obligatorio.")
    elif not re.fullmatch(r"[a-z][a-z0-9_]{1,59}", code):
        err("code", "El código debe tener de 2 a 60 caracteres: minúsculas, dígitos o '_', empezando por una letra.")
    elif code in set(taken_codes):
        err("code", f"Ya existe un indicador con el código {code!r}.")
    if not str(data.get("name") or "").strip():
        err("name", "El nombre es obligatorio.")
    kind = data.get("kind")
    if kind not in KINDS:
        err("kind", f"Tipo desconocido {kind!r}; use uno de: {', '.join(KINDS)}.")
    periodicity = data.get("periodicity") or "quarter"
    if periodicity not in PERIODICITIES:
        err("periodicity", f"Periodicidad desconocida {periodicity!r}; use month, quarter o year.")
    factor = data.get("factor", 1)
    try:
        factor_f = float(factor)
        if factor_f == 0:
            err("factor", "El factor no puede ser cero.")
        elif factor_f != factor_f or factor_f in (float("inf"), float("-inf")):
            err("factor", "El factor debe ser un número finito.")
    except (TypeError, ValueError):
        err("factor", f"El factor debe ser un número, no {factor!r}.")

    def check_operand(fieldname: str, raw, default_stat: str) -> MeasureInfo | None:
        if raw in (None, ""):
            err(fieldname, "Falta la medida.")
            return None
        if isinstance(raw, str):
            raw = {"measure": raw}
        if not isinstance(raw, Mapping):
            err(fieldname, "Debe ser el código de una medida o un objeto {measure, stat, filters}.")
            return None
        info = measures.get(raw.get("measure"))
        if info is None:
            err(fieldname, f"Medida desconocida {raw.get('measure')!r}.")
            return None
        stat = raw.get("stat") or default_stat
        if stat not in STATS:
            err(fieldname, f"Estadístico desconocido {stat!r}; use count, sum, mean o median.")
        elif stat in ("sum", "mean") and not info.has_value:
            err(fieldname, f"La medida {info.code!r} no tiene valores que sumar o promediar.")
        elif stat == "median" and not info.histogram:
            err(fieldname, f"La medida {info.code!r} no admite mediana.")
        filters = raw.get("filters") or {}
        if not isinstance(filters, Mapping):
            err(fieldname, "Los filtros deben ser un objeto {dimensión: valor o lista de valores}.")
        else:
            for dim in filters:
                if dim not in info.dimensions or dim == "territory":
                    err(fieldname, f"La medida {info.code!r} no se puede filtrar por {dim!r}.")
        return info

    dims_ok: set[str] | None = None
    if kind in ("count", "sum", "mean", "median", "ranking"):
        stat_default = {"count": "count", "sum": "sum", "mean": "mean", "median": "median", "ranking": "count"}[kind]
        raw = data.get("measure") or data.get("numerator")
        if isinstance(raw, str):
            raw = {"measure": raw, "stat": stat_default}
        elif isinstance(raw, Mapping):
            raw = {**raw, "stat": raw.get("stat") or stat_default}
        info = check_operand("measure", raw, stat_default)
        if info is not None:
            dims_ok = set(info.dimensions)
            if kind == "ranking" and not info.ranking:
                err("measure", f"La medida {info.code!r} no tiene elementos que ordenar.")
    elif kind == "ratio":
        n = check_operand("numerator", data.get("numerator"), "count")
        d = check_operand("denominator", data.get("denominator"), "count")
        if n is not None and d is not None:
            dims_ok = set(n.dimensions) & set(d.dimensions)
    dims = data.get("dimensions")
    if dims is not None:
        if not isinstance(dims, list | tuple):
            err("dimensions", "Debe ser una lista de dimensiones.")
        else:
            for dim in dims:
                if dim not in ALL_DIMENSIONS:
                    err("dimensions", f"Dimensión desconocida {dim!r}.")
                elif dims_ok is not None and dim not in dims_ok:
                    err("dimensions", f"El indicador no se puede desagregar por {dim!r} con esas medidas.")
    return errors


def definition_from_dict(data: Mapping, *, measures: Mapping[str, MeasureInfo], builtin: bool = False) -> Definition:
    """Build a Definition from a validated dict (the file / database form)."""
    kind = data["kind"]
    if kind == "ratio":
        num = Operand.parse(data["numerator"])
        den = Operand.parse(data["denominator"])
        allowed = set(measures[num.measure].dimensions) & set(measures[den.measure].dimensions)
    else:
        raw = data.get("measure") or data.get("numerator")
        default = "count" if kind in ("count", "ranking") else kind
        if isinstance(raw, str):
            raw = {"measure": raw}
        raw = {**raw, "stat": raw.get("stat") or default}
        num, den = Operand.parse(raw), None
        allowed = set(measures[num.measure].dimensions)
    dims = data.get("dimensions")
    dimensions = tuple(d for d in (dims if dims is not None else ALL_DIMENSIONS) if d in allowed)
    if kind == "ranking":
        dimensions = ()  # a ranking's cells are its items
    return Definition(
        code=data["code"], name=data["name"], kind=kind, unit=data.get("unit") or "",
        numerator=num, denominator=den, factor=float(data.get("factor", 1) or 1),
        description=data.get("description") or "", category=data.get("category") or "Definidos por analistas",
        periodicity=data.get("periodicity") or "quarter", dimensions=dimensions,
        cumulative=bool(data.get("cumulative")), published=bool(data.get("published")), builtin=builtin,
        subtract=Operand.parse(data["subtract"]) if data.get("subtract") else None, top=int(data.get("top") or 10),
    )
