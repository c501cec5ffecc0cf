"""Fact sources ("measures") and the refresh that aggregates them into `ObservatoryFact`.

A measure is a `MeasureSpec`: a model, the date that places a record in a month, the path to its municipality,
where its person / job dimensions come from, an optional value (summed into `total`, or kept as an exact
histogram in `bucket` for medians), optional filters, and for rankings the item (e.g. skill id). The refresh runs
one set-based GROUP BY per measure through the ORM (identical on SQLite and PostgreSQL: months and ages are
computed by Django in the configured time zone), merges the groups in Python and bulk-inserts them.

Apps add measures in `siee/<app>/indicators.py` (see `siee.observatory.registry` and docs/observatory-engine.md).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Count, DateTimeField, F, Max, Min, Q, Sum, Value, When
from django.db.models.functions import ExtractYear, TruncDate, TruncMonth
from django.db.models.lookups import LessThan, LessThanOrEqual
from django.utils import timezone

from siee.observatory import engine

FACT_KEY = ("month", "territory_id") + engine.FACT_COLUMNS + ("item", "bucket")


@dataclass
class MeasureSpec:
    """Declarative fact source. Paths are Django lookups from `model` (e.g. "person__municipality_id")."""

    code: str
    label: str
    model: str  # "app_label.ModelName"
    date: str  # DateField or DateTimeField path: the month of the record
    territory: str  # path to the municipality id
    person: str | None = None  # path prefix of the person ("" when the model is Person): person dimensions
    job: dict[str, str] = field(default_factory=dict)  # {"isco4": path, "isic_section": path, "employer_size": path}
    education: str | None = None  # path to an education level code when not the person's (e.g. vacancy's)
    filter: dict | Callable[[], Q] | None = None  # lookups or a callable returning Q
    exclude: dict | None = None
    value: str | None = None  # path summed into `total` (posts, wage)
    histogram: bool = False  # keep exact values in `bucket` (medians)
    value_fn: Callable[[dict], int | None] | None = None  # python value from `raw` fields (e.g. days between)
    raw: dict[str, object] = field(default_factory=dict)  # name -> path or expression, fetched for value_fn
    item: str | None = None  # path of the ranked item (ranking measures)
    item_label: Callable[[list[str]], dict[str, str]] | None = None
    unit: str = ""
    rows: Callable[[], Iterable[dict]] | None = None  # fully custom source: yields fact dicts (see FACT_KEY)
    dimension_list: tuple[str, ...] | None = None  # for `rows` sources: the dimensions they fill
    # Path to a "last modified" timestamp of the record (default: the model's own `updated_at` when it has one):
    # the incremental refresh rebuilds the months of records modified since the last refresh.
    changed: str | None = None

    @property
    def dimensions(self) -> tuple[str, ...]:
        if self.dimension_list is not None:
            return ("territory",) + tuple(d for d in self.dimension_list if d != "territory")
        if self.item:
            return ("territory",)  # rankings: kept by month, municipality and item only (compact facts)
        dims = ["territory"]
        if self.person is not None:
            dims += list(engine.PERSON_DIMENSIONS)
        elif self.education:
            dims.append("education_level")
        if "isco4" in self.job:
            dims += ["isco1", "isco2", "isco3", "isco4"]
        dims += [d for d in ("isic_section", "employer_size") if d in self.job]
        return tuple(dims)

    def info(self) -> engine.MeasureInfo:
        return engine.MeasureInfo(code=self.code, dimensions=self.dimensions,
                                  has_value=bool(self.value or self.value_fn), histogram=self.histogram,
                                  ranking=bool(self.item))

    def model_class(self):
        return apps.get_model(self.model)

    def fingerprint(self) -> str:
        """Cheap change detector: the highest primary key of the source table (an indexed MAX)."""
        if self.rows is not None:
            return ""
        model = self.model_class()
        top = model.objects.aggregate(m=Max("pk"))["m"]
        return f"{self.model}:{top or 0}"

    def changed_path(self) -> str | None:
        if self.changed or self.rows is not None:
            return self.changed
        try:
            self.model_class()._meta.get_field("updated_at")
        except Exception:  # noqa: BLE001 - FieldDoesNotExist: the model keeps no modification time
            return None
        return "updated_at"

    def earliest_month(self, *, after_pk: int | None = None, changed_since: dt.datetime | None = None) -> dt.date | None:
        """First month holding a record added after primary key `after_pk` (an indexed range) or modified since
        `changed_since` (through `changed_path`): the oldest month whose facts those records can alter."""
        if self.rows is not None:
            return None
        cond = Q()
        if after_pk is not None:
            cond |= Q(pk__gt=after_pk)
        path = self.changed_path()
        if changed_since is not None and path:
            cond |= Q(**{f"{path}__gte": changed_since})
        if not cond:
            return None
        # Not the measure's own filters: a modified record that left them (an active person now employed) changes
        # the facts of its month as much as one that entered them.
        first = self.model_class().objects.filter(cond).aggregate(m=Min(self.date))["m"]
        return None if first is None else _month(first)

    def since_filter(self, since: dt.date) -> Q:
        """Records whose month is `since` or later (the month start, in the configured time zone)."""
        model = self.model_class()
        for part in self.date.split("__"):
            field = model._meta.get_field(part)
            if field.is_relation:
                model = field.related_model
        bound: object = since
        if isinstance(field, DateTimeField):
            bound = timezone.make_aware(dt.datetime.combine(since, dt.time()))
        return Q(**{f"{self.date}__gte": bound})

    # --- aggregation -------------------------------------------------------------------------------------
    def queryset(self):
        qs = self.model_class().objects.all()
        if callable(self.filter):
            qs = qs.filter(self.filter())
        elif self.filter:
            qs = qs.filter(**self.filter)
        if self.exclude:
            qs = qs.exclude(**self.exclude)
        return qs

    def expressions(self, *, event_year: bool = True) -> dict[str, object]:
        """Annotations of the GROUP BY. The age group is computed in SQL on PostgreSQL (6 groups instead of every
        birth year); on SQLite, where each date function is a Python call per row, from the birth year and the
        event's year (`event_year=False`: the year of the fact's month, same time zone) in Python."""
        from django.db import connection

        exprs: dict[str, object] = {"_month": TruncMonth(self.date), "_territory_id": F(self.territory)}
        p = None if self.item else self.person
        if p is not None:
            exprs["sex"] = F(p + "sex")
            exprs["nationality"] = F(p + "nationality")
            exprs["migratory_status"] = F(p + "migration_status")
            exprs["disability"] = Case(When(**{p + "disability": True}, then=Value("S")), default=Value("N"),
                                       output_field=CharField())
            exprs["education_level"] = F(p + "education_level__code")
            if connection.vendor == "postgresql":
                exprs["age_group"] = _age_group_expr(ExtractYear(self.date) - ExtractYear(p + "birth_date"))
            else:
                exprs["_birth_year"] = ExtractYear(p + "birth_date")
                if event_year:
                    exprs["_event_year"] = ExtractYear(self.date)
        elif self.education and not self.item:
            exprs["education_level"] = F(self.education)
        for dim, path in ({} if self.item else self.job).items():
            exprs[dim] = F(path)
        if self.item:
            exprs["item"] = F(self.item)
        if self.value and self.histogram and not self.value_fn:
            exprs["bucket"] = F(self.value)
        for name, path in self.raw.items():
            exprs["_" + name] = F(path) if isinstance(path, str) else path
        return exprs

    def fact_rows(self, since: dt.date | None = None) -> Iterable[dict]:
        """Aggregated fact dicts (keys FACT_KEY + count, total), merged across the SQL groups; with `since`, only
        the months from `since` on."""
        if self.rows is not None:
            yield from _merge(r for r in self.rows() if since is None or (r.get("month") and r["month"] >= since))
            return
        # Annotation names carry a prefix so they never clash with the model's own fields (Person.sex...).
        exprs = {"f" + name: expr for name, expr in self.expressions(event_year=False).items()}
        names = list(exprs)
        aggs = {"f_count": Count("pk")}
        if self.value:
            aggs["f_total"] = Sum(self.value)
        qs = self.queryset()
        if since is not None:
            qs = qs.filter(self.since_filter(since))
        qs = qs.annotate(**exprs).values(*names).annotate(**aggs).order_by()
        rows = ({k[1:]: v for k, v in row.items()} for row in qs.iterator(chunk_size=20000))
        months: dict = {}  # a few distinct values: convert each once (time zone lookups are slow per row)
        yield from _merge(self._convert(row, months) for row in rows)

    def _convert(self, row: dict, months: dict | None = None) -> dict:
        out = {k: row.get(k) for k in FACT_KEY}
        raw_month = row["_month"]
        if months is None:
            out["month"] = _month(raw_month)
        else:
            out["month"] = months.get(raw_month) or months.setdefault(raw_month, _month(raw_month))
        out["territory_id"] = row["_territory_id"]
        if "_birth_year" in row:
            by = row.get("_birth_year")
            ey = row["_event_year"] if "_event_year" in row else (out["month"].year if out["month"] else None)
            out["age_group"] = engine.age_group(ey - by) if (by and ey) else ""
        if self.value_fn is not None:
            raw = {k[1:]: v for k, v in row.items() if k.startswith("_")}
            value = self.value_fn(raw)
            if self.histogram:
                out["bucket"] = value
            out["total"] = (value or 0) * row["_count"]
        else:
            out["total"] = row.get("_total") or 0
        out["count"] = row["_count"]
        if out.get("item") is not None:
            out["item"] = str(out["item"])
        return out


def _age_group_expr(age) -> Case:
    """engine.age_group in SQL (age reached in the year of the event), so the GROUP BY has 6 age groups instead
    of every birth year: "" for an unknown birth date or an age outside the groups."""
    whens = [When(LessThan(age, engine.AGE_GROUPS[0][1]), then=Value(""))]
    whens += [When(LessThanOrEqual(age, high), then=Value(label)) for label, _low, high in engine.AGE_GROUPS]
    return Case(*whens, default=Value(""), output_field=CharField())


def _month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return value.replace(day=1)


def _merge(rows: Iterable[dict]) -> Iterable[dict]:
    acc: dict[tuple, list[int]] = {}
    text = _text
    for row in rows:
        get = row.get
        month, territory = get("month"), get("territory_id")
        if month is None or territory is None:
            continue
        bucket = get("bucket")
        key = (month, territory, *[text(get(k)) for k in _TEXT_KEYS], None if bucket is None else int(bucket))
        slot = acc.get(key)
        if slot is None:
            acc[key] = [int(get("count") or 0), int(get("total") or 0)]
        else:
            slot[0] += int(get("count") or 0)
            slot[1] += int(get("total") or 0)
    for key, (count, total) in acc.items():
        out = dict(zip(FACT_KEY, key, strict=True))
        out["count"], out["total"] = count, total
        yield out


_TEXT_KEYS = FACT_KEY[2:-1]  # dimension columns and item: text, "" for none


def _text(value) -> str:
    if value is None:
        return ""
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "S" if value else "N"
    return str(value)


def _days(a, b) -> int | None:
    if a is None or b is None:
        return None
    if isinstance(a, dt.datetime):
        a = a.date()
    if isinstance(b, dt.datetime):
        b = b.date()
    return max(0, (b - a).days)


# --- built-in measures over people, employers, vacancies and intermediation ---------------------------------

def _job(prefix: str) -> dict[str, str]:
    """Job dimensions reached through a vacancy (occupation) and its employer (sector, size)."""
    return {"isco4": f"{prefix}occupation__isco_code", "isic_section": f"{prefix}employer__sector__section",
            "employer_size": f"{prefix}employer__size"}


def _placement_job() -> dict[str, str]:
    return {"isco4": "vacancy__occupation__isco_code", "isic_section": "employer__sector__section",
            "employer_size": "employer__size"}


def builtin_measures() -> list[MeasureSpec]:
    not_merged = {"status": "merged"}
    placed = dict(model="intermediation.Placement", date="start_date", territory="person__municipality_id",
                  person="person__", job=_placement_job())
    out = [
        MeasureSpec("people_registered", "Personas registradas", "people.Person", "registered_at",
                    "municipality_id", person="", exclude=not_merged, unit="personas"),
        MeasureSpec("people_active", "Personas activas buscando empleo", "people.Person", "registered_at",
                    "municipality_id", person="", filter={"status": "active"}, unit="personas"),
        MeasureSpec("expected_wage", "Aspiración salarial de las personas registradas", "people.Person",
                    "registered_at", "municipality_id", person="", exclude=not_merged,
                    filter={"expected_wage__isnull": False}, value="expected_wage", histogram=True, unit="COP"),
        MeasureSpec("vacancies_posted", "Vacantes publicadas (valor: puestos)", "employers.Vacancy", "created_at",
                    "municipality_id", job=_job(""), education="education_level__code", exclude={"status": "draft"},
                    value="posts", unit="vacantes"),
        MeasureSpec("vacancy_wage", "Salario ofrecido (mínimo del rango)", "employers.Vacancy", "created_at",
                    "municipality_id", job=_job(""), education="education_level__code", exclude={"status": "draft"},
                    filter={"wage_min__isnull": False}, value="wage_min", histogram=True, unit="COP"),
        MeasureSpec("employers_registered", "Empleadores registrados", "employers.Employer", "created_at",
                    "municipality_id", job={"isic_section": "sector__section", "employer_size": "size"},
                    unit="empleadores"),
        MeasureSpec("applications", "Postulaciones", "intermediation.Application", "created_at",
                    "person__municipality_id", person="person__", job=_job("vacancy__"), unit="postulaciones"),
        MeasureSpec("referrals", "Remisiones", "intermediation.Referral", "referred_at", "person__municipality_id",
                    person="person__", job=_job("vacancy__"), exclude={"status": "withdrawn"}, unit="remisiones"),
        MeasureSpec("placements", "Colocaciones (valor: salario mensual)", value="monthly_wage", unit="colocaciones",
                    **placed),
        MeasureSpec("placements_formal", "Colocaciones en empleo formal", filter={"formal": True},
                    unit="colocaciones", **placed),
        MeasureSpec("placement_wage", "Salario de las colocaciones", value="monthly_wage", histogram=True,
                    unit="COP", **placed),
        MeasureSpec("time_to_fill", "Días entre la publicación de la vacante y el inicio del empleo",
                    filter={"vacancy__isnull": False}, histogram=True, value_fn=lambda r: _days(r["posted"], r["start"]),
                    raw={"posted": TruncDate("vacancy__created_at"), "start": "start_date"}, unit="días", **placed),
        MeasureSpec("days_to_placement", "Días entre el registro de la persona y su colocación", histogram=True,
                    value_fn=lambda r: _days(r["registered"], r["start"]),
                    raw={"registered": TruncDate("person__registered_at"), "start": "start_date"}, unit="días",
                    **placed),
        MeasureSpec("skill_demand", "Habilidades pedidas por las vacantes publicadas", "employers.VacancySkill",
                    "vacancy__created_at", "vacancy__municipality_id", job=_job("vacancy__"),
                    exclude={"vacancy__status": "draft"}, item="skill_id", item_label=_skill_labels, unit="vacantes",
                    changed="vacancy__updated_at"),
        MeasureSpec("skill_demand_open", "Habilidades pedidas por las vacantes abiertas", "employers.VacancySkill",
                    "vacancy__created_at", "vacancy__municipality_id", job=_job("vacancy__"),
                    filter={"vacancy__status": "open"}, item="skill_id", item_label=_skill_labels, unit="vacantes",
                    changed="vacancy__updated_at"),
        MeasureSpec("skill_supply_active", "Habilidades de las personas activas", "people.PersonSkill",
                    "person__registered_at", "person__municipality_id", person="person__",
                    filter={"person__status": "active"}, item="skill_id", item_label=_skill_labels, unit="personas",
                    changed="person__updated_at"),
    ]
    for months in (3, 6, 12):
        base = dict(model="intermediation.FollowUp", date="due_date", territory="placement__person__municipality_id",
                    person="placement__person__",
                    job={"isco4": "placement__vacancy__occupation__isco_code",
                         "isic_section": "placement__employer__sector__section",
                         "employer_size": "placement__employer__size"})
        done = {"months_after": months, "done_at__isnull": False, "still_employed__isnull": False}
        out.append(MeasureSpec(f"followups_{months}m", f"Seguimientos realizados a {months} meses", filter=done,
                               unit="seguimientos", **base))
        out.append(MeasureSpec(f"employed_{months}m", f"Personas que siguen empleadas a {months} meses",
                               filter={**done, "still_employed": True}, unit="personas", **base))
    return out


def _skill_labels(ids: list[str]) -> dict[str, str]:
    from siee.taxonomy.models import Skill

    pks = [int(i) for i in ids if str(i).isdigit()]
    return {str(pk): label for pk, label in Skill.objects.filter(pk__in=pks).values_list("pk", "label")}


# --- refresh ---------------------------------------------------------------------------------------------

_INSERT_NAMES = ("measure", "grain") + FACT_KEY + ("count", "total")
RECENT_MONTHS = 2  # incremental refresh (CLI): the current and previous month are always rebuilt
REQUEST_MONTHS = 1  # at request time: the current month (plus the months of the new rows)

# --- roll-ups ("grains") -----------------------------------------------------------------------------------
# The full facts of an event measure keep every dimension at once (month x municipality x sex x age group x ...
# x ISCO x sector x size): nearly one row per record at scale. Dashboards read a few columns at a time, so each
# measure also keeps roll-ups: "=<cols>" sums the full facts over the other columns (same counts and totals,
# exact), and "cum=<cols>" accumulates that roll-up over the months (a stock up to a month is one month's rows).
# Which roll-ups: the columns the indicators filter the measure on (U), alone and with each dimension column.
NARROW, CUM = "=", "cum="


def grain_name(cols: Iterable[str], *, cumulative: bool = False) -> str:
    return (CUM if cumulative else NARROW) + ",".join(sorted(set(cols)))


def grain_columns(grain: str) -> frozenset[str]:
    body = grain.split("=", 1)[1] if "=" in grain else ""
    return frozenset(c for c in body.split(",") if c)


def measure_columns(spec: MeasureSpec) -> list[str]:
    """Fact columns of a measure's dimensions (ISCO levels 1-3 live in isco4), in FACT_COLUMNS order."""
    dims = {engine.column_of(d) for d in spec.dimensions if d != "territory"}
    return [c for c in engine.FACT_COLUMNS if c in dims]


def measure_usage() -> dict[str, tuple[set[str], bool]]:
    """{measure: (columns its indicators filter on, whether an indicator reads it as a stock)}, over the built-in
    and analyst-defined indicators."""
    from siee.observatory.services import _definitions

    usage: dict[str, tuple[set[str], bool]] = {}
    for d in _definitions():
        for o in d.operands():
            cols, cum = usage.get(o.measure, (set(), False))
            usage[o.measure] = (cols | {engine.column_of(dim) for dim, _ in o.filters}, cum or d.cumulative)
    return usage


def grain_plan(spec: MeasureSpec, filter_cols: set[str], cumulative: bool) -> list[str]:
    cols = measure_columns(spec)
    if spec.item:  # ranking facts are already month x municipality x item
        return [grain_name((), cumulative=True)] if cumulative else []
    base = set(filter_cols) & set(cols)
    sets = [frozenset(base)] + [frozenset(base | {c}) for c in cols]
    sets = [g for g in dict.fromkeys(sets) if len(g) < len(cols)]  # all columns = the full facts themselves
    out = [grain_name(g) for g in sets]
    if cumulative:
        out += [grain_name(g, cumulative=True) for g in sets]
    return out


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _build_grains(spec: MeasureSpec, grains: list[str], since: dt.date | None) -> int:
    """Write the measure's roll-ups from its full facts (months >= since, or all). Returns rows written."""
    from django.db import connection

    from siee.observatory.models import ObservatoryFact

    qn = connection.ops.quote_name
    table = qn(ObservatoryFact._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    written = 0
    with connection.cursor() as cursor:
        for grain in grains:
            keep = grain_columns(grain)
            group = ["month", "territory_id"] + [c for c in engine.FACT_COLUMNS if c in keep] + ["item", "bucket"]
            where = f"{qn('measure')} = %s AND {qn('grain')} = ''"
            params: list = [spec.code]
            if since is not None:
                where += f" AND {qn('month')} >= %s"
                params.append(adapt(since))
            if not grain.startswith(CUM):
                select = ", ".join(qn(c) if (c in keep or c in group) else "''" for c in FACT_KEY)
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(qn(c) for c in _INSERT_NAMES)}) "
                    f"SELECT %s, %s, {select}, SUM({qn('count')}), SUM({qn('total')}) FROM {table} "
                    f"WHERE {where} GROUP BY {', '.join(qn(c) for c in group)}", [spec.code, grain] + params)
                written += max(0, cursor.rowcount)
                continue
            # Stock roll-up: the snapshot before `since` carried forward month by month with the new deltas.
            keys = [c for c in group if c != "month"]
            acc: dict[tuple, list[int]] = {}
            start = None
            if since is not None:  # the latest snapshot before `since` (snapshots stop at the last month with data)
                cursor.execute(
                    f"SELECT {qn('month')}, {', '.join(qn(c) for c in keys)}, {qn('count')}, {qn('total')} "
                    f"FROM {table} WHERE {qn('measure')} = %s AND {qn('grain')} = %s AND {qn('month')} = "
                    f"(SELECT MAX({qn('month')}) FROM {table} WHERE {qn('measure')} = %s AND {qn('grain')} = %s "
                    f"AND {qn('month')} < %s)", [spec.code, grain, spec.code, grain, adapt(since)])
                for rec in cursor.fetchall():
                    start = rec[0]
                    acc[tuple(rec[1:-2])] = [int(rec[-2]), int(rec[-1])]
                if start is not None:
                    start = _next_month(start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start)))
            cursor.execute(
                f"SELECT {', '.join(qn(c) for c in group)}, SUM({qn('count')}), SUM({qn('total')}) FROM {table} "
                f"WHERE {where} GROUP BY {', '.join(qn(c) for c in group)} ORDER BY {qn('month')}", params)
            deltas: dict[dt.date, list[tuple]] = {}
            for rec in cursor.fetchall():
                month = rec[0] if isinstance(rec[0], dt.date) else dt.date.fromisoformat(str(rec[0]))
                deltas.setdefault(month, []).append(rec[1:])
            if not deltas:
                continue
            month, last = start or min(deltas), max(deltas)
            rows = []
            while month <= last:
                for rec in deltas.get(month, ()):
                    slot = acc.setdefault(tuple(rec[:-2]), [0, 0])
                    slot[0] += int(rec[-2])
                    slot[1] += int(rec[-1] or 0)
                for key, (count, total) in acc.items():
                    vals = dict(zip(keys, key, strict=True))
                    rows.append((spec.code, grain) + tuple(month if c == "month" else vals.get(c, "")
                                                           for c in FACT_KEY) + (count, total))
                month = _next_month(month)
            from siee.core.imports import insert_rows

            written += insert_rows(ObservatoryFact, _INSERT_NAMES, rows)
    return written


def refresh_facts(measures: Iterable[MeasureSpec] | None = None, *, progress: bool = False,
                  since: dt.date | dict[str, dt.date | None] | None = None) -> dict[str, int]:
    """Rebuild the facts of the given measures (all registered ones by default). Idempotent; each measure is
    replaced atomically. With `since` (a month, or {measure code: month or None}) only the facts of that month
    and later are replaced (None = the whole measure). Returns rows written per measure."""
    from siee.core.imports import insert_rows
    from siee.observatory.models import FactFillState, ObservatoryFact
    from siee.observatory.registry import all_measures

    specs = list(measures) if measures is not None else list(all_measures().values())
    usage = measure_usage()
    written: dict[str, int] = {}
    for spec in specs:
        started = time.perf_counter()
        grains = grain_plan(spec, *usage.get(spec.code, (set(), False)))
        as_of = timezone.now()  # records modified after this moment are picked up by the next refresh
        first = since.get(spec.code) if isinstance(since, dict) else since
        first = first.replace(day=1) if first is not None else None
        fingerprint = spec.fingerprint()
        rows = [(spec.code, "") + tuple(r[k] for k in FACT_KEY) + (r["count"], r["total"])
                for r in spec.fact_rows(since=first)]
        try:
            FactFillState.objects.get_or_create(measure=spec.code, defaults={"refreshed_at": as_of})
        except IntegrityError:  # another process created it at the same moment
            pass
        with transaction.atomic():
            # The fill-state row is the measure's lock: two concurrent refreshes of one measure run one after the
            # other instead of both deleting and both inserting (PostgreSQL; SQLite serializes writers anyway).
            state = FactFillState.objects.select_for_update().get(measure=spec.code)
            old = ObservatoryFact.objects.filter(measure=spec.code)
            if first is not None:  # by grain, so the (measure, grain, month) index serves the month range
                old = old.filter(grain__in=[""] + sorted(set(state.grains or []) | set(grains)), month__gte=first)
            if first is not None and sorted(state.grains or []) != sorted(grains):
                first = None  # the roll-ups changed (a new analyst filter): rebuild the whole measure
                rows = [(spec.code, "") + tuple(r[k] for k in FACT_KEY) + (r["count"], r["total"])
                        for r in spec.fact_rows()]
                old = ObservatoryFact.objects.filter(measure=spec.code)
            deleted, _detail = old.delete()
            insert_rows(ObservatoryFact, _INSERT_NAMES, rows)
            rolled = _build_grains(spec, grains, first)
            kept = state.rows - deleted if first is not None else 0
            state.fingerprint, state.refreshed_at, state.grains = fingerprint, as_of, grains
            state.rows = max(0, kept) + len(rows) + rolled
            state.seconds = time.perf_counter() - started
            state.save()
        written[spec.code] = len(rows)
        if progress:
            what = "" if first is None else f" desde {first:%Y-%m}"
            print(f"  {spec.code}{what}: {len(rows)} filas agregadas ({time.perf_counter() - started:.1f} s)")
    return written


def _top_pk(fingerprint: str) -> int | None:
    try:
        return int(fingerprint.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return None


def recent_start(today: dt.date | None = None, months: int = RECENT_MONTHS) -> dt.date:
    """First day of the oldest of the last `months` months (the current month counts)."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - max(1, months) + 1
    return dt.date(index // 12, index % 12 + 1, 1)


def plan_incremental(specs: Iterable[MeasureSpec], *, only_stale: bool, months: int = RECENT_MONTHS,
                     modified: bool = False, today: dt.date | None = None) -> dict[str, dt.date | None]:
    """{measure: first month to rebuild, or None for the whole measure} of an incremental refresh.

    A measure never aggregated, or whose source lost its newest rows (deletions), is rebuilt whole. Otherwise
    from the earliest of: the first of the last `months` months (status changes of recent records), the first
    month of the records added since (primary keys above the stored fingerprint: an indexed range) and, with
    `modified`, of the records modified since the last refresh (`updated_at`, an unindexed scan: CLI only).
    With `only_stale` (request time) measures whose source gained no row are left alone."""
    from siee.observatory.models import FactFillState

    specs = list(specs)
    states = {s.measure: s for s in FactFillState.objects.filter(measure__in=[s.code for s in specs])}
    fingerprints: dict[str, str] = {}
    window = recent_start(today, months)
    plan: dict[str, dt.date | None] = {}
    for spec in specs:
        state = states.get(spec.code)
        if spec.rows is not None:  # custom sources have no fingerprint: rebuilt by the CLI, never at request time
            if state is None or not only_stale:
                plan[spec.code] = None
            continue
        if spec.model not in fingerprints:
            fingerprints[spec.model] = spec.fingerprint()
        new = fingerprints[spec.model]
        if state is None:
            plan[spec.code] = None
            continue
        if only_stale and state.fingerprint == new:
            continue
        old_top, new_top = _top_pk(state.fingerprint), _top_pk(new)
        if old_top is None or new_top is None or new_top < old_top:
            plan[spec.code] = None  # rows were deleted: their months are unknown
            continue
        first = window
        touched = spec.earliest_month(after_pk=old_top if new_top > old_top else None,
                                      changed_since=state.refreshed_at if modified else None)
        if touched is not None and touched < first:
            first = touched
        plan[spec.code] = first
    return plan


def refresh_incremental(measures: Iterable[MeasureSpec] | None = None, *, only_stale: bool = False,
                        months: int = RECENT_MONTHS, modified: bool = True, progress: bool = False) -> dict[str, int]:
    """Rebuild only the months that can have changed (see `plan_incremental`). Same facts as a full rebuild when
    older records were neither modified nor deleted (the nightly `siee indicators refresh --full` covers that)."""
    from siee.observatory.registry import all_measures

    specs = list(measures) if measures is not None else list(all_measures().values())
    plan = plan_incremental(specs, only_stale=only_stale, months=months, modified=modified)
    todo = [s for s in specs if s.code in plan]
    return refresh_facts(todo, since=plan, progress=progress) if todo else {}


def stale_measures(specs: Iterable[MeasureSpec]) -> list[MeasureSpec]:
    """Measures never aggregated or whose source fingerprint changed since."""
    from siee.observatory.models import FactFillState

    specs = list(specs)
    states = dict(FactFillState.objects.filter(measure__in=[s.code for s in specs]).values_list("measure", "fingerprint"))
    fingerprints: dict[str, str] = {}
    stale = []
    for spec in specs:
        if spec.model not in fingerprints:
            fingerprints[spec.model] = spec.fingerprint()
        if spec.code not in states or (spec.rows is None and states[spec.code] != fingerprints[spec.model]):
            stale.append(spec)
    return stale
