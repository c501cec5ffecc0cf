"""The same indicators computed straight from the source tables with plain Django ORM aggregation queries
(GROUP BY over people, vacancies, referrals... filtered by date range and municipality), without the fact table.

Used as the benchmark's baseline (bench/observatory_dashboard.py) and by the test that proves the fact table
gives identical results. Only the data access differs from `services._Computer`: the formulas, medians and
disclosure control are the same code.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, DateTimeField, Sum
from django.utils import timezone

from siee.observatory import engine
from siee.observatory.facts import FACT_KEY, MeasureSpec, _merge
from siee.observatory.services import _Computer, _definitions, resolve_period, resolve_territory


def _final_field(model, path: str):
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.is_relation:
            model = field.related_model
    return field


def _bound(field, day: dt.date):
    if isinstance(field, DateTimeField):
        return timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return day


class BaselineComputer(_Computer):
    """Reads the source tables directly (one GROUP BY per measure and breakdown) instead of ObservatoryFact."""

    def _rows(self, measure: str, cumulative: bool, breakdown: str | None) -> list[dict]:
        key = (measure, cumulative, breakdown)
        if key in self.cache:
            return self.cache[key]
        spec: MeasureSpec = self.specs[measure]
        cols = set(self.filter_cols.get(measure, set()))
        if breakdown == "territory":
            cols.add("territory_id")
        elif breakdown:
            cols.add(engine.column_of(breakdown))
        if spec.histogram:
            cols.add("bucket")
        if spec.item:
            cols.add("item")
        facts = self._source_rows(spec, cols, cumulative)
        out: dict[tuple, dict] = {}
        for f in facts:
            row = {c: f[c] for c in cols}
            k = tuple(sorted(row.items()))
            slot = out.setdefault(k, {**row, "_c": 0, "_s": 0})
            slot["_c"] += f["count"]
            slot["_s"] += f["total"]
        rows = list(out.values())
        self.cache[key] = rows
        return rows

    def _source_rows(self, spec: MeasureSpec, cols: set[str], cumulative: bool) -> list[dict]:
        start, end = self.period.start, self.period.end
        if spec.rows is not None:
            return [r for r in _merge(spec.rows()) if (cumulative or r["month"] >= start) and r["month"] < end
                    and r["territory_id"] in set(self.area.ids)]
        model = spec.model_class()
        date_field = _final_field(model, spec.date)
        qs = spec.queryset().filter(**{f"{spec.territory}__in": self.area.ids, f"{spec.date}__lt": _bound(date_field, end)})
        if not cumulative:
            qs = qs.filter(**{f"{spec.date}__gte": _bound(date_field, start)})
        exprs = spec.expressions()
        wanted: dict[str, object] = {}
        for name, expr in exprs.items():
            base = name.lstrip("_")
            if name == "_territory_id" and "territory_id" in cols:
                wanted[name] = expr
            elif name in ("_birth_year", "_event_year") and "age_group" in cols:
                wanted[name] = expr
            elif base in cols and not name.startswith("_"):
                wanted[name] = expr
            elif name.startswith("_") and name not in ("_month", "_territory_id", "_birth_year", "_event_year") \
                    and spec.value_fn is not None:
                wanted[name] = expr  # raw fields of a value_fn
        annotations = {"f" + k: v for k, v in wanted.items()}
        aggs = {"f_count": Count("pk")}
        if spec.value:
            aggs["f_total"] = Sum(spec.value)
        names = list(annotations)
        if names:
            qs = qs.annotate(**annotations).values(*names).annotate(**aggs).order_by()
        else:
            qs = [qs.aggregate(**aggs)]
        out = []
        for raw in qs:
            row = {k[1:]: v for k, v in raw.items()}
            row["_month"] = start
            row.setdefault("_territory_id", 0)
            fact = spec._convert(row)
            out.append(fact)
        return [{k: f.get(k) if k in f else None for k in FACT_KEY + ("count", "total")}
                for f in _merge(out)]


def compute_baseline(code: str, *, territory, period, breakdown: str | None = None):
    """One indicator (disclosure off) from the source tables: the reference the engine must equal."""
    defs = _definitions()
    d = next(x for x in defs if x.code == code)
    territory = resolve_territory(territory)
    computer = BaselineComputer([d], territory, resolve_period(period), disclosure_on=False)
    return computer.result(d, breakdown)


def compute_all_baseline(*, territory, period, breakdowns=(), disclosure: bool = False):
    territory = resolve_territory(territory)
    defs = _definitions()
    computer = BaselineComputer(defs, territory, resolve_period(period), disclosure_on=disclosure)
    out = []
    for d in defs:
        out.append(computer.result(d))
        for b in breakdowns:
            if b in d.dimensions:
                out.append(computer.result(d, b))
    return out
