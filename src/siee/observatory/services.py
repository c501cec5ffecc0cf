"""Observatory services: the indicator library, computation over the fact table with disclosure control,
analyst-defined indicators and external series. The interface is described in docs/observatory-engine.md."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _g

from siee.core.errors import DomainError, ErrorCode
from siee.observatory import disclosure, engine
from siee.observatory.periods import Period, parse_period


@dataclass
class IndicatorInfo:
    code: str
    name: str
    description: str
    unit: str
    kind: str
    category: str
    dimensions: list[str]
    published: bool
    builtin: bool
    periodicity: str = "quarter"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Cell:
    key: str
    label: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    suppressed: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class IndicatorResult:
    code: str
    name: str
    unit: str
    kind: str
    period: str
    territory: str
    territory_name: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    suppressed: bool = False
    breakdown: str | None = None
    cells: list[Cell] = field(default_factory=list)
    note: str = ""

    def to_dict(self) -> dict:
        out = asdict(self)
        out["cells"] = [c.to_dict() for c in self.cells]
        return out


@dataclass
class ExternalSeriesInfo:
    code: str
    name: str
    unit: str
    source: str
    territory: str | None

    def to_dict(self) -> dict:
        return asdict(self)


# --- definitions ------------------------------------------------------------------------------------------

def _definitions(*, published_only: bool = False) -> list[engine.Definition]:
    from siee.observatory.models import IndicatorDefinition
    from siee.observatory.registry import builtin_definitions, measure_infos

    defs = builtin_definitions()
    infos = None
    for row in IndicatorDefinition.objects.all():
        infos = infos or measure_infos()
        try:
            defs.append(engine.definition_from_dict({**row.definition, "published": row.published}, measures=infos))
        except (KeyError, ValueError, TypeError):  # a measure that disappeared: skip, never break the library
            continue
    if published_only:
        defs = [d for d in defs if d.published]
    return defs


def _definition(code: str) -> engine.Definition:
    for d in _definitions():
        if d.code == code:
            return d
    raise DomainError(_g("Indicador desconocido: %(code)s.") % {"code": code}, field="code", code=ErrorCode.NOT_FOUND)


def _info(d: engine.Definition) -> IndicatorInfo:
    return IndicatorInfo(code=d.code, name=str(d.name), description=str(d.description), unit=str(d.unit), kind=d.kind,
                         category=str(d.category), dimensions=list(d.dimensions), published=d.published,
                         builtin=d.builtin, periodicity=d.periodicity)


def available_indicators(*, published_only: bool = False) -> list[IndicatorInfo]:
    return [_info(d) for d in _definitions(published_only=published_only)]


def available_measures() -> list[dict]:
    """Measures an analyst can build indicators on (code, label, unit, dimensions, statistics)."""
    from siee.observatory.registry import all_measures

    out = []
    for spec in all_measures().values():
        info = spec.info()
        stats = ["count"] + (["sum", "mean"] if info.has_value else []) + (["median"] if info.histogram else [])
        out.append({"code": spec.code, "label": spec.label, "unit": spec.unit, "dimensions": list(info.dimensions),
                    "stats": stats, "ranking": info.ranking})
    return out


# --- territory and period resolution ---------------------------------------------------------------------

def resolve_territory(territory):
    from siee.core.models import Territory
    from siee.core.selectors import find_territory

    if isinstance(territory, Territory):
        return territory
    found = find_territory(str(territory or ""))
    if found is None:
        raise DomainError(_g("Territorio desconocido: %(code)s.") % {"code": territory}, field="territory",
                          code=ErrorCode.NOT_FOUND)
    return found


def resolve_period(period) -> Period:
    try:
        return parse_period(period)
    except ValueError as exc:
        raise DomainError(str(exc), field="period") from exc


@dataclass
class _Area:
    territory: object
    ids: list[int]
    child_of: dict[int, str]  # municipality id -> child territory code (territory breakdown)
    child_names: dict[str, str]


_AREA_CACHE: dict[tuple, tuple[float, _Area]] = {}
_AREA_TTL = 300.0  # seconds: territories change only when reference data is (re)loaded


def _area(territory) -> _Area:
    """Municipality ids of a territory and the child each belongs to (cached a few minutes per process)."""
    import time

    from siee.core.models import TerritoryLevel

    if territory.level == TerritoryLevel.GROUP:  # custom groups are edited at run time: never cached
        return _build_area(territory)
    key = (territory.pk, territory.path, territory.level, territory.code)
    hit = _AREA_CACHE.get(key)
    if hit is not None and time.monotonic() - hit[0] < _AREA_TTL:
        a = hit[1]
        return _Area(territory, a.ids, a.child_of, a.child_names)
    area = _build_area(territory)
    if len(_AREA_CACHE) > 500:
        _AREA_CACHE.clear()
    _AREA_CACHE[key] = (time.monotonic(), area)
    return area


def _build_area(territory) -> _Area:
    from siee.core.models import Territory, TerritoryLevel

    if territory.level == TerritoryLevel.GROUP:
        roots = list(territory.members.select_related("parent"))
    else:
        roots = [territory]
    rows = []
    for root in roots:
        rows += list(Territory.objects.filter(path__startswith=root.path).values_list("pk", "path"))
    children = roots if territory.level == TerritoryLevel.GROUP else list(territory.children.select_related("parent"))
    if not children:
        children = [territory]
    prefixes = sorted(((c.path, c.code) for c in children), key=lambda p: -len(p[0]))
    child_of = {}
    for pk, path in rows:
        for prefix, code in prefixes:
            if path.startswith(prefix):
                child_of[pk] = code
                break
        else:
            child_of[pk] = territory.code
    names = {c.code: c.display_name() for c in children}
    return _Area(territory, sorted({pk for pk, _ in rows}), child_of, names)


# --- computation ------------------------------------------------------------------------------------------

def _auto_refresh(defs: Iterable[engine.Definition]) -> None:
    """Request-time freshness: measures whose source table gained rows since their last refresh get the current
    month (and the months of the new rows) rebuilt, never the whole history; a measure never aggregated is built
    whole. Modified older records wait for the nightly full rebuild (docs/observatory-engine.md)."""
    from siee.observatory.facts import REQUEST_MONTHS, refresh_incremental
    from siee.observatory.registry import all_measures

    if not getattr(settings, "SIEE_OBSERVATORY_AUTO_REFRESH", True):
        return
    measures = all_measures()
    needed = {o.measure for d in defs for o in d.operands()}
    refresh_incremental([measures[m] for m in sorted(needed) if m in measures], only_stale=True, modified=False,
                        months=REQUEST_MONTHS)


class _Computer:
    """Computes definitions for one territory and period, fetching each measure's facts once per breakdown."""

    def __init__(self, defs: list[engine.Definition], territory, period: Period, *, disclosure_on: bool = True,
                 breakdowns: Iterable[str] = (), area: _Area | None = None):
        from siee.observatory.registry import all_measures

        self.territory = territory
        self.period = period
        self.area = area or _area(territory)
        self.disclosure = disclosure_on
        self.threshold = disclosure.threshold_from_settings()
        self.specs = all_measures()
        self.filter_cols: dict[str, set[str]] = {}
        for d in defs:
            for o in d.operands():
                self.filter_cols.setdefault(o.measure, set()).update(engine.column_of(dim) for dim, _ in o.filters)
        self.breakdowns = {b for b in breakdowns if b}
        self.territory_name = territory.display_name()
        self.cache: dict[tuple, list[dict]] = {}
        self.grains: dict[str, set[str]] | None = None

    def _grains(self, measure: str) -> set[str]:
        if self.grains is None:
            from siee.observatory.models import FactFillState

            self.grains = {m: set(g or []) for m, g in FactFillState.objects.filter(
                measure__in=list(self.filter_cols)).values_list("measure", "grains")}
        return self.grains.get(measure, set())

    def _pick_grain(self, measure: str, cols: set[str], cumulative: bool) -> str | None:
        """The narrowest roll-up holding every column in `cols` (a stock: an accumulated one), or None."""
        from siee.observatory.facts import CUM, grain_columns

        best = None
        for g in self._grains(measure):
            if g.startswith(CUM) != cumulative:
                continue
            have = grain_columns(g)
            if cols <= have and (best is None or len(have) < len(grain_columns(best))):
                best = g
        return best

    def _rows(self, measure: str, cumulative: bool, breakdown: str | None) -> list[dict]:
        """The measure's facts for the area and period, summed by every column the filters and the requested
        breakdowns need: one plain SQL query per measure (identical on SQLite and PostgreSQL), on the narrowest
        roll-up that has those columns (see siee.observatory.facts); a stock reads one accumulated month."""
        spec = self.specs.get(measure)
        base = set(self.filter_cols.get(measure, set()))
        # Ranking measures have no breakdowns: their facts are summed by item alone.
        ranking = spec is not None and spec.item
        wanted = set() if ranking else self.breakdowns | ({breakdown} if breakdown else set())
        shared = base | {engine.column_of(b) for b in wanted if b != "territory"}
        own = base | ({engine.column_of(breakdown)} if breakdown and breakdown != "territory" and not ranking else set())
        grain, cols, by_territory = self._pick_grain(measure, shared, cumulative), set(shared), "territory" in wanted
        if grain is None and own != shared:
            grain, cols, by_territory = self._pick_grain(measure, own, cumulative), set(own), breakdown == "territory"
        if grain is None:  # the full facts have every column
            grain, cols, by_territory = "", set(shared), "territory" in wanted
        if by_territory:
            cols.add("territory_id")
        if spec is not None and spec.histogram:
            cols.add("bucket")
        if ranking:
            cols.add("item")
        names = sorted(cols)
        # Keyed by the columns: every breakdown requested up front shares one query; another one gets its own.
        key = (measure, cumulative, grain, tuple(names))
        if key in self.cache:
            return self.cache[key]
        rows = self._query(measure, cumulative, grain, names)
        self.cache[key] = rows
        return rows

    def _query(self, measure: str, cumulative: bool, grain: str, names: list[str]) -> list[dict]:
        from django.db import connection

        from siee.observatory.facts import CUM
        from siee.observatory.models import ObservatoryFact

        qn = connection.ops.quote_name
        table = qn(ObservatoryFact._meta.db_table)
        select = ", ".join(qn(c) for c in names)
        adapt = connection.ops.adapt_datefield_value
        where = [f"{qn('measure')} = %s", f"{qn('grain')} = %s"]
        params: list = [measure, grain]
        if grain.startswith(CUM):  # accumulated: the last month before the end holds the whole stock
            where.append(f"{qn('month')} = (SELECT MAX({qn('month')}) FROM {table} WHERE {qn('measure')} = %s "
                         f"AND {qn('grain')} = %s AND {qn('month')} < %s)")
            params += [measure, grain, adapt(self.period.end)]
        else:
            where.append(f"{qn('month')} < %s")
            params.append(adapt(self.period.end))
            if not cumulative:
                where.append(f"{qn('month')} >= %s")
                params.append(adapt(self.period.start))
        where.append(f"{qn('territory_id')} IN ({', '.join(['%s'] * len(self.area.ids))})" if self.area.ids else "1 = 0")
        params += self.area.ids
        sql = (f"SELECT {select + ', ' if names else ''}SUM({qn('count')}), SUM({qn('total')}) "
               f"FROM {table} WHERE {' AND '.join(where)}" + (f" GROUP BY {select}" if names else ""))
        rows = []
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for rec in cursor.fetchall():
                if rec[-2] is None:
                    continue
                row = dict(zip(names, rec, strict=False))
                row["_c"], row["_s"] = int(rec[-2]), int(rec[-1] or 0)
                rows.append(row)
        return rows

    def _cell_key(self, row: dict, breakdown: str | None) -> str:
        if breakdown is None:
            return ""
        if breakdown == "territory":
            return self.area.child_of.get(row["territory_id"], self.territory.code)
        return engine.key_of(breakdown, row.get(engine.column_of(breakdown)) or "")

    def _accs(self, operand: engine.Operand, cumulative: bool, breakdown: str | None) -> tuple[engine.Acc, dict]:
        total = engine.Acc()
        cells: dict[str, engine.Acc] = {}
        for row in self._rows(operand.measure, cumulative, breakdown):
            if not operand.matches(row):
                continue
            bucket = row.get("bucket")
            total.add(row["_c"], row["_s"], bucket)
            if breakdown is not None:
                k = self._cell_key(row, breakdown)
                cells.setdefault(k, engine.Acc()).add(row["_c"], row["_s"], bucket)
        return total, cells

    def result(self, d: engine.Definition, breakdown: str | None = None) -> IndicatorResult:
        base = IndicatorResult(code=d.code, name=str(d.name), unit=str(d.unit), kind=d.kind, period=self.period.label,
                               territory=self.territory.code, territory_name=self.territory_name,
                               value=None, breakdown=breakdown)
        if d.kind == "ranking":
            return self._ranking(d, base)
        num_total, num_cells = self._accs(d.numerator, d.cumulative, breakdown)
        den_total, den_cells = (self._accs(d.denominator, d.cumulative, breakdown) if d.denominator
                                else (None, {}))
        total = engine.evaluate(d, num_total, den_total)
        base.value, base.numerator, base.denominator = total.value, total.numerator, total.denominator
        total_hidden = self.disclosure and any(disclosure.is_sensitive(b, self.threshold) for b in total.basis)
        if breakdown is not None:
            keys = set(num_cells) | set(den_cells)
            if breakdown == "territory":
                keys |= set(self.area.child_names)
            values = {k: engine.evaluate(d, num_cells.get(k), den_cells.get(k), key=k) for k in keys}
            hidden: set[str] = set()
            if self.disclosure:
                for i in range(len(total.basis)):
                    hidden |= disclosure.suppress({k: v.basis[i] for k, v in values.items()}, threshold=self.threshold,
                                                  total_published=not total_hidden)
            labels = _labels(breakdown, keys, self.area)
            for k in _ordered(keys, labels, breakdown):
                v = values[k]
                if k in hidden:
                    base.cells.append(Cell(k, labels.get(k, k), None, None, None, True))
                else:
                    base.cells.append(Cell(k, labels.get(k, k), v.value, v.numerator, v.denominator, False))
        if total_hidden:
            base.value = base.numerator = base.denominator = None
            base.suppressed = True
            base.note = _g("Valor suprimido por confidencialidad estadística (menos de %(n)s casos).") % {
                "n": self.threshold}
        elif base.value is None:
            base.note = _g("Sin datos suficientes en el periodo.")
        return base

    def _ranking(self, d: engine.Definition, base: IndicatorResult) -> IndicatorResult:
        demand = self._items(d.numerator, d.cumulative)
        supply = self._items(d.subtract, d.cumulative) if d.subtract else None
        ranked = engine.rank(d, demand, supply)
        spec = self.specs.get(d.numerator.measure)
        labels = spec.item_label([r[0] for r in ranked]) if (spec and spec.item_label) else {}
        for item, score, dem in ranked:
            hidden = self.disclosure and disclosure.is_sensitive(dem, self.threshold)
            base.cells.append(Cell(item, labels.get(item, item), None if hidden else float(score),
                                   None if hidden else float(dem),
                                   None if (hidden or supply is None) else float(supply.get(item, 0)), hidden))
        if not ranked:
            base.note = _g("Sin datos en el periodo.")
        return base

    def _items(self, operand: engine.Operand, cumulative: bool) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in self._rows(operand.measure, cumulative, None):
            if operand.matches(row):
                out[row["item"]] = out.get(row["item"], 0) + int(row["_c"])
        return out


_SEX = {"F": "Mujer", "M": "Hombre", "I": "Intersexual", "X": "Prefiere no decir"}


def _labels(breakdown: str, keys: Iterable[str], area: _Area) -> dict[str, str]:
    keys = list(keys)
    none_label = _g("Sin dato")
    out: dict[str, str] = {}
    if breakdown == "territory":
        out = dict(area.child_names)
    elif breakdown == "sex":
        from siee.people.models import Sex

        out = {k: str(v) for k, v in Sex.choices}
    elif breakdown == "migratory_status":
        from siee.people.models import MigrationStatus

        out = {k: str(v) for k, v in MigrationStatus.choices}
    elif breakdown == "employer_size":
        from siee.employers.models import EmployerSize

        out = {k: str(v) for k, v in EmployerSize.choices}
    elif breakdown == "disability":
        out = {"S": _g("Con discapacidad"), "N": _g("Sin discapacidad")}
    elif breakdown == "age_group":
        out = {k: _g("%(g)s años") % {"g": k} for k in keys if k}
    elif breakdown == "education_level":
        from siee.taxonomy.models import EducationLevel

        out = dict(EducationLevel.objects.filter(code__in=keys).values_list("code", "label"))
    elif breakdown.startswith("isco"):
        from siee.taxonomy.models import IscoGroup

        out = dict(IscoGroup.objects.filter(code__in=keys).values_list("code", "label"))
    elif breakdown == "isic_section":
        from siee.taxonomy.models import Sector

        out = dict(Sector.objects.filter(code__in=keys, level=1).values_list("code", "label"))
    elif breakdown == "nationality":
        out = {"CO": "Colombia", "VE": "Venezuela", "EC": "Ecuador", "PE": "Perú", "CL": "Chile"}
    out[""] = none_label
    return {k: out.get(k, k) for k in keys}


def _ordered(keys: Iterable[str], labels: dict[str, str], breakdown: str) -> list[str]:
    keys = list(keys)
    if breakdown == "territory":
        return sorted(keys, key=lambda k: (labels.get(k, k), k))
    if breakdown == "age_group":
        order = {g[0]: i for i, g in enumerate(engine.AGE_GROUPS)}
        return sorted(keys, key=lambda k: (k == "", order.get(k, 99), k))
    return sorted(keys, key=lambda k: (k == "", k))


def _check_breakdown(d: engine.Definition, breakdown: str | None) -> None:
    if breakdown is None:
        return
    if breakdown not in engine.ALL_DIMENSIONS:
        raise DomainError(_g("Desagregación desconocida: %(b)s.") % {"b": breakdown}, field="breakdown")
    if breakdown not in d.dimensions:
        raise DomainError(_g("El indicador %(code)s no se puede desagregar por %(b)s.") % {"code": d.code, "b": breakdown},
                          field="breakdown")


def compute(code: str, *, territory, period, breakdown: str | None = None, disclosure: bool = True) -> IndicatorResult:
    d = _definition(code)
    _check_breakdown(d, breakdown or None)
    territory = resolve_territory(territory)
    period = resolve_period(period)
    _auto_refresh([d])
    computer = _Computer([d], territory, period, disclosure_on=disclosure, breakdowns=[breakdown or ""])
    return computer.result(d, breakdown or None)


def compute_all(*, territory, period, breakdowns: Iterable[str] = (), disclosure: bool = True,
                published_only: bool = False, codes: Iterable[str] | None = None) -> list[IndicatorResult]:
    """Every indicator (or only `codes`): its total, then one result per requested breakdown it supports. One
    freshness check and one fact query per measure, however many indicators share it."""
    territory = resolve_territory(territory)
    period = resolve_period(period)
    breakdowns = [b for b in breakdowns if b]
    for b in breakdowns:
        if b not in engine.ALL_DIMENSIONS:
            raise DomainError(_g("Desagregación desconocida: %(b)s.") % {"b": b}, field="breakdown")
    defs = _definitions(published_only=published_only)
    if codes is not None:
        wanted = set(codes)
        defs = [d for d in defs if d.code in wanted]
    _auto_refresh(defs)
    computer = _Computer(defs, territory, period, disclosure_on=disclosure, breakdowns=breakdowns)
    out = []
    for d in defs:
        out.append(computer.result(d))
        for b in breakdowns:
            if b in d.dimensions:
                out.append(computer.result(d, b))
    return out


def series(code: str, *, territory, periods: list, disclosure: bool = True) -> list[IndicatorResult]:
    d = _definition(code)
    territory = resolve_territory(territory)
    _auto_refresh([d])
    area = _area(territory)
    return [_Computer([d], territory, resolve_period(p), disclosure_on=disclosure, area=area).result(d) for p in periods]


def refresh(*, full: bool = True, months: int | None = None, progress: bool = False) -> dict[str, int]:
    """Rebuild every measure's facts (`full`: demo, nightly `siee indicators refresh --full`), or only the months
    that can have changed: the last `months` months plus those of records added or modified since the last
    refresh (`siee indicators refresh`)."""
    from siee.observatory.facts import RECENT_MONTHS, refresh_facts, refresh_incremental

    if full:
        return refresh_facts(progress=progress)
    return refresh_incremental(months=months or RECENT_MONTHS, modified=True, progress=progress)


# --- scoping ----------------------------------------------------------------------------------------------

def territory_in_scope(user, territory) -> bool:
    """May `user` read aggregates of `territory`? Only territories inside their organization's territories."""
    from siee.core.models import TerritoryLevel
    from siee.core.selectors import scope_territory_ids

    scope = scope_territory_ids(user)
    if scope is None:
        return True
    if territory.level == TerritoryLevel.GROUP:
        members = list(territory.members.values_list("pk", flat=True))
        return bool(members) and all(m in scope for m in members)
    return territory.pk in scope


# --- analyst-defined indicators ---------------------------------------------------------------------------

def _taken_codes(*, exclude: str | None = None) -> set[str]:
    from siee.observatory.models import IndicatorDefinition
    from siee.observatory.registry import builtin_definitions

    codes = {d.code for d in builtin_definitions()}
    codes |= set(IndicatorDefinition.objects.exclude(code=exclude or "").values_list("code", flat=True))
    return codes


def validate_definition(data: dict, *, replace: bool = False) -> dict[str, list[str]]:
    """Field -> Spanish reasons; {} when valid. With replace=True an analyst definition of the same code may be
    overwritten (never a built-in one)."""
    from siee.observatory.registry import measure_infos

    if not isinstance(data, dict):
        return {"__all__": [_g("La definición debe ser un objeto JSON.")]}
    code = str(data.get("code") or "")
    errors = engine.validate(data, measures=measure_infos(), taken_codes=_taken_codes(exclude=code if replace else None))
    if replace:
        from siee.observatory.registry import builtin_definitions

        if code in {d.code for d in builtin_definitions()}:
            errors.setdefault("code", []).append(_g("Los indicadores incorporados no se pueden modificar."))
    for name, limit in (("name", 200), ("unit", 40)):
        if len(str(data.get(name) or "")) > limit:
            errors.setdefault(name, []).append(_g("Máximo %(n)s caracteres.") % {"n": limit})
    return errors


_DEFINITION_KEYS = ("code", "name", "description", "kind", "measure", "numerator", "denominator", "subtract", "factor",
                    "unit", "periodicity", "dimensions", "published", "cumulative", "category", "top")


def save_definition(data: dict, *, actor, replace: bool = False) -> IndicatorInfo:
    from siee.core import audit
    from siee.core.models import AuditAction
    from siee.observatory.models import IndicatorDefinition
    from siee.observatory.registry import measure_infos

    errors = validate_definition(data, replace=replace)
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, errors=errors)
    clean = {k: data[k] for k in _DEFINITION_KEYS if k in data and data[k] is not None}
    clean["code"] = clean["code"].strip()
    with transaction.atomic():
        obj, created = IndicatorDefinition.objects.update_or_create(
            code=clean["code"],
            defaults={"name": str(clean["name"]).strip(), "definition": clean, "published": bool(clean.get("published")),
                      "created_by": actor if getattr(actor, "pk", None) else None},
        )
        audit.record(actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=obj,
                     fields=sorted(clean))
    return _info(engine.definition_from_dict({**clean, "published": obj.published}, measures=measure_infos()))


def delete_definition(code: str, *, actor) -> None:
    from siee.core import audit
    from siee.core.models import AuditAction
    from siee.observatory.models import IndicatorDefinition

    obj = IndicatorDefinition.objects.filter(code=code).first()
    if obj is None:
        raise DomainError(_g("Indicador desconocido: %(code)s.") % {"code": code}, field="code", code=ErrorCode.NOT_FOUND)
    with transaction.atomic():
        audit.record(actor=actor, action=AuditAction.DELETE, obj=obj)
        obj.delete()


# --- external series --------------------------------------------------------------------------------------

def external_series(*, territory=None) -> list[ExternalSeriesInfo]:
    from siee.observatory.models import ExternalSeries

    qs = ExternalSeries.objects.select_related("territory")
    if territory is not None:
        qs = qs.filter(territory=resolve_territory(territory))
    return [ExternalSeriesInfo(s.code, s.name, s.unit, s.source, s.territory.code if s.territory else None) for s in qs]


def external_points(code: str, *, periods: list | None = None) -> list[tuple[str, float]]:
    from siee.observatory.models import ExternalPoint

    qs = ExternalPoint.objects.filter(series__code=code).order_by("start")
    if periods is not None:
        labels = [resolve_period(p).label for p in periods]
        qs = qs.filter(period__in=labels)
    return [(p.period, p.value) for p in qs]


def import_external_series(rows: Iterable[dict], *, code: str, name: str, territory=None, unit: str = "",
                           source: str = "", actor=None) -> int:
    """Replace series `code` with the (period, value) rows. All or nothing: any bad row raises DomainError with
    errors keyed "fila N" (N = line number in the file, header = 1)."""
    from siee.core import audit
    from siee.core.models import AuditAction
    from siee.observatory.models import ExternalPoint, ExternalSeries

    errors: dict[str, list[str]] = {}
    if not code or not str(code).strip():
        errors["code"] = [_g("El código de la serie es obligatorio.")]
    if not name or not str(name).strip():
        errors["name"] = [_g("El nombre de la serie es obligatorio.")]
    terr = None
    if territory:
        try:
            terr = resolve_territory(territory)
        except DomainError as exc:
            errors["territory"] = [exc.message]
    points: dict[str, tuple[dt.date, float]] = {}
    for line, row in enumerate(rows, start=2):
        where = _g("fila %(n)s") % {"n": line}
        raw_period = str(row.get("period") or "").strip()
        raw_value = str(row.get("value") or "").strip()
        try:
            period = parse_period(raw_period)
        except ValueError as exc:
            errors.setdefault(where, []).append(str(exc))
            period = None
        try:
            value = float(raw_value.replace(",", ".")) if raw_value else None
            if value is None:
                errors.setdefault(where, []).append(_g("Falta el valor."))
            elif value != value or value in (float("inf"), float("-inf")):
                errors.setdefault(where, []).append(_g("El valor debe ser un número finito."))
                value = None
        except ValueError:
            errors.setdefault(where, []).append(_g("Valor no numérico: %(v)r.") % {"v": raw_value})
            value = None
        if period is not None and value is not None:
            if period.label in points:
                errors.setdefault(where, []).append(_g("Periodo repetido: %(p)s.") % {"p": period.label})
            points[period.label] = (period.start, value)
    if not points and not errors:
        errors["file"] = [_g("El archivo no tiene filas de datos.")]
    if errors:
        first_key = next(iter(errors))
        raise DomainError(f"{first_key}: {errors[first_key][0]}", errors=errors)
    with transaction.atomic():
        series_obj, _created = ExternalSeries.objects.update_or_create(
            code=code.strip(), defaults={"name": name.strip(), "unit": unit, "source": source, "territory": terr})
        series_obj.points.all().delete()
        ExternalPoint.objects.bulk_create(
            [ExternalPoint(series=series_obj, period=label, start=start, value=value)
             for label, (start, value) in sorted(points.items(), key=lambda p: p[1][0])])
        audit.record(actor=actor, action=AuditAction.IMPORT, obj=series_obj, detail={"points": len(points)})
    return len(points)
