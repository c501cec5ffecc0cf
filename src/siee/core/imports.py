"""Bulk import engine shared by people, employers and vacancies.

The engine reads a CSV/XLSX file row by row (``siee.core.tabular``), validates each row in memory with the
entity's ``clean_*`` function and preloaded ``ReferenceMaps`` (no query per row), rejects duplicated keys
inside the file, and hands valid rows to the entity's batch writer. Each batch is written inside its own
transaction: a crash never leaves half a batch behind, and since rows are matched on natural keys a re-run
updates what was already written and creates the rest (idempotent).

One audit entry is written per import (action "import"), not one per row.

``insert_rows`` is the fast write path used by imports and by the demo generator: ``executemany`` of plain
tuples on SQLite, ``COPY ... FROM STDIN`` on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from django.db import connection, transaction

from siee.core.tabular import Table, TableWriter, UnreadableFile, guess_format, read_table
from siee.core.validation import RowError  # (row, field, reason, value): shared with forms and API
from siee.lib import parse

__all__ = ["ImportResult", "ImportSpec", "PendingRow", "RowError", "UnreadableFile", "run_import", "insert_rows",
           "update_rows", "allocate_ids", "reset_sequences"]

BATCH_SIZE = 2000
REPORT_COLUMNS = ["row", "field", "reason", "value"]
REJECTED_ERRORS_COLUMN = "errores"


@dataclass
class ImportResult:
    entity: str = ""
    file_name: str = ""
    created: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    report_path: str | None = None
    rejected_path: str | None = None

    @property
    def imported(self) -> int:
        return self.created + self.updated

    def summary(self) -> str:
        text = (f"Importadas {self.imported} filas ({self.created} nuevas, {self.updated} actualizadas); "
                f"rechazadas {self.rejected}.")
        if self.report_path:
            text += f" Informe: {self.report_path}"
        return text


@dataclass
class PendingRow:
    line: int
    raw: dict
    cells: list
    cleaned: dict
    key: tuple


class ImportSpec:
    """What an entity's importer provides. Subclasses live in people/imports.py and employers/imports.py."""

    entity = ""  # "people"
    object_type = ""  # audit object type: "person"
    columns: Sequence[str] = ()
    required: Sequence[str] = ()
    key_field = ""  # field named in duplicate-row errors
    batch_size = BATCH_SIZE

    def __init__(self, *, actor=None):
        self.actor = actor

    def normalize_header(self, name: str) -> str:  # pragma: no cover - overridden
        return (name or "").strip().lower()

    def prepare(self) -> None:
        """Load reference maps (once per import)."""

    def clean(self, raw: dict) -> tuple[dict, list[tuple[str, str]]]:  # pragma: no cover - overridden
        raise NotImplementedError

    def clean_many(self, raws: list[dict]) -> list[tuple[dict, list[tuple[str, str]]]]:
        """Clean a chunk of rows; entities may override with a column-wise path giving the same results."""
        return [self.clean(raw) for raw in raws]

    def key(self, cleaned: dict) -> tuple:  # pragma: no cover - overridden
        raise NotImplementedError

    def write_batch(self, rows: list[PendingRow]) -> tuple[int, int, list[RowError]]:  # pragma: no cover
        """Write valid rows; return (created, updated, rows rejected at write time)."""
        raise NotImplementedError


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _fast_dates(raw: dict, names: Iterable[str]) -> None:
    """Pre-parse ISO dates (the export format) so clean_* does not run strptime on them.

    Only exact YYYY-MM-DD strings that are valid dates are converted; anything else is left untouched for
    clean_* to parse or report, so the messages are the same.
    """
    for name in names:
        value = raw.get(name)
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                raw[name] = dt.date.fromisoformat(value)
            except ValueError:
                pass


def run_import(spec: ImportSpec, source, *, report_path=None, rejected_path=None, progress: bool = False,
               max_bytes: int | None = None, workers: int | None = None,
               writer_thread: bool | None = None) -> ImportResult:
    """Import a file with `spec`. Raises UnreadableFile when the file cannot be read at all.

    `workers` > 1 validates chunks of rows in that many forked processes (validation is pure: no database),
    while this process keeps reading, de-duplicating in file order and writing. None: SIEE_IMPORT_WORKERS,
    default 1 (serial).

    `writer_thread`: write the batches from a background thread with its own database connection, so that
    the database server stores batch N while this thread reads and validates batch N+1. Batches are still
    written one after the other, in file order, each in its own transaction. None: on PostgreSQL, unless
    SIEE_IMPORT_WRITER_THREAD=0 or the import runs inside a transaction (then it must use that connection).
    """
    if workers is None:
        workers = int(os.environ.get("SIEE_IMPORT_WORKERS") or 1)
    from siee.core import audit
    from siee.core.models import AuditAction

    table: Table = read_table(source, normalize_header=spec.normalize_header, known_columns=spec.columns,
                              max_bytes=max_bytes)
    name = table.extra.get("name", "")
    known = set(spec.columns)
    positions = [(i, col) for i, col in enumerate(table.columns) if col in known and col != "id"]
    seen_cols = {col for _, col in positions}
    missing = [c for c in spec.required if c not in seen_cols]
    if missing:
        raise UnreadableFile(
            f"El archivo {name} no tiene las columnas obligatorias: {', '.join(missing)}. "
            f"Columnas encontradas: {', '.join(h for h in table.headers if h)}."
        )
    spec.prepare()
    result = ImportResult(entity=spec.entity, file_name=name)
    rejected_cells: dict[int, list] = {}
    seen_keys: dict[tuple, int] = {}
    batch: list[PendingRow] = []
    width = len(table.columns)
    date_columns = getattr(spec, "date_columns", ())

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(desc=f"importando {spec.entity}", unit=" filas", disable=None, mininterval=0.5)

    def reject(line: int, cells: list, errors: list[RowError]) -> None:
        result.errors.extend(errors)
        if line not in rejected_cells:
            result.rejected += 1
            rejected_cells[line] = cells

    def written(rows: list[PendingRow], created: int, updated: int, late_errors: list[RowError]) -> None:
        result.created += created
        result.updated += updated
        if late_errors:
            cells_by_line = {p.line: p.cells for p in rows}
            for err in late_errors:
                reject(err.row, cells_by_line.get(err.row, []), [err])

    background = _background_writes(writer_thread)
    writer: _BatchWriter | None = None

    def flush() -> None:
        nonlocal writer
        if not batch:
            return
        if background:
            if writer is None:  # started after the validation workers (if any) were forked
                writer = _BatchWriter(spec)
            writer.submit(batch.copy())
        else:
            with transaction.atomic():
                written(batch, *spec.write_batch(batch))
        batch.clear()

    names = [col for _, col in positions]
    pick = itemgetter(*[i for i, _ in positions]) if len(positions) > 1 else None  # cells -> tuple, in C

    def prepared_rows():
        for line, cells in table.rows:
            if bar is not None:
                bar.update(1)
            if not any(not parse.is_blank(c) for c in cells):
                continue  # blank line: spreadsheets often end with some
            if len(cells) < width:
                cells = list(cells) + [""] * (width - len(cells))
            if pick is not None:
                raw = dict(zip(names, pick(cells), strict=True))
            else:
                raw = {col: cells[i] for i, col in positions}
            if date_columns:
                _fast_dates(raw, date_columns)
            yield line, cells, raw

    try:
        for line, cells, raw, (cleaned, errors) in _validated(spec, prepared_rows(), workers):
            if errors:
                reject(line, cells, [RowError(line, f, r, _text(raw.get(f))) for f, r in errors])
                continue
            key = spec.key(cleaned)
            first = seen_keys.get(key)
            if first is not None:
                reject(line, cells, [RowError(line, spec.key_field, f"fila duplicada (misma clave que la fila {first})",
                                              _text(raw.get(spec.key_field)))])
                continue
            seen_keys[key] = line
            batch.append(PendingRow(line, raw, cells, cleaned, key))
            if len(batch) >= spec.batch_size:
                flush()
        flush()
    finally:
        if bar is not None:
            bar.close()
        if writer is not None:
            writer.finish()  # waits for the batches handed over (each commits or rolls back whole)
    if writer is not None:
        writer.raise_error()
        for rows, created, updated, late_errors in writer.done:
            written(rows, created, updated, late_errors)
    result.errors.sort(key=lambda e: e.row)

    if report_path:
        write_report(report_path, result.errors)
        result.report_path = str(report_path)
    if rejected_path:
        write_rejected(rejected_path, table.headers, rejected_cells, result.errors)
        result.rejected_path = str(rejected_path)
    audit.record(actor=spec.actor, action=AuditAction.IMPORT, object_type=spec.object_type,
                 detail={"file": name, "entity": spec.entity, "created": result.created, "updated": result.updated,
                         "rejected": result.rejected})
    return result


def _background_writes(requested: bool | None) -> bool:
    if connection.in_atomic_block:  # an enclosing transaction (a test, a request) must see the writes
        return False
    if requested is not None:
        return requested
    if os.environ.get("SIEE_IMPORT_WRITER_THREAD", "1").strip().lower() in ("0", "no", "false", "off"):
        return False
    return connection.vendor == "postgresql"


class _BatchWriter:
    """Writes batches from background threads, each inside its own transaction on the thread's own database
    connection. With several writer threads (SIEE_IMPORT_WRITERS, default 2) the database server stores two
    batches at once, on two cores; batches then commit in any order, which is safe because rows were
    de-duplicated by natural key before (no two batches touch the same record) and each batch commits or rolls
    back whole. At most two batches per thread wait in the queue (bounded memory). The first failure stops the
    writing: later batches are dropped and the error is raised in the importing thread."""

    def __init__(self, spec: ImportSpec, threads: int | None = None):
        import queue
        import threading

        if threads is None:
            threads = int(os.environ.get("SIEE_IMPORT_WRITERS") or 2)
        threads = max(1, threads)
        self.spec = spec
        self.done: list[tuple[list[PendingRow], int, int, list[RowError]]] = []
        self.error: BaseException | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=2 * threads)
        self._threads = [threading.Thread(target=self._run, name=f"siee-import-writer-{i}", daemon=True)
                         for i in range(threads)]
        for thread in self._threads:
            thread.start()

    def _run(self) -> None:
        from django.db import connections

        try:
            while (rows := self._queue.get()) is not None:
                if self.error is not None:
                    continue  # drain without writing after a failure
                try:
                    with transaction.atomic():
                        outcome = (rows, *self.spec.write_batch(rows))
                    self.done.append(outcome)  # list.append is atomic: safe from several threads
                except BaseException as exc:  # noqa: BLE001 - handed over to the importing thread
                    self.error = exc
        finally:
            connections.close_all()  # this thread's connections only

    def submit(self, rows: list[PendingRow]) -> None:
        self.raise_error()
        self._queue.put(rows)

    def finish(self) -> None:
        alive = [t for t in self._threads if t.is_alive()]
        for _ in alive:
            self._queue.put(None)
        for thread in alive:
            thread.join()

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error


VALIDATION_CHUNK = 1000
_WORKER_SPEC: ImportSpec | None = None


def _validate_chunk(raws: list[dict]) -> list[tuple[dict, list]]:
    return _WORKER_SPEC.clean_many(raws)


def _validated(spec: ImportSpec, rows, workers: int):
    """Yield (line, cells, raw, (cleaned, errors)) in file order, validating in worker processes if asked."""
    import multiprocessing
    from collections import deque
    from itertools import islice

    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        rows = iter(rows)
        while chunk := list(islice(rows, VALIDATION_CHUNK)):
            yield from ((line, cells, raw, outcome) for (line, cells, raw), outcome in
                        zip(chunk, spec.clean_many([raw for _, _, raw in chunk]), strict=True))
        return
    global _WORKER_SPEC
    _WORKER_SPEC = spec
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        pending: deque = deque()
        rows = iter(rows)
        while True:
            while len(pending) < workers * 2:
                chunk = list(islice(rows, VALIDATION_CHUNK))
                if not chunk:
                    break
                pending.append((chunk, pool.apply_async(_validate_chunk, ([raw for _, _, raw in chunk],))))
            if not pending:
                break
            chunk, async_result = pending.popleft()
            for (line, cells, raw), outcome in zip(chunk, async_result.get(), strict=True):
                yield line, cells, raw, outcome
    finally:
        pool.terminate()
        pool.join()
        _WORKER_SPEC = None


def write_report(path, errors: list[RowError]) -> None:
    fmt = guess_format(path)
    with TableWriter(path, REPORT_COLUMNS, fmt, sheet_title="informe") as w:
        for e in errors:
            w.write([e.row, e.field, e.reason, e.value])


def write_rejected(path, headers: list[str], rejected_cells: dict[int, list], errors: list[RowError]) -> None:
    reasons: dict[int, list[str]] = {}
    for e in errors:
        reasons.setdefault(e.row, []).append(f"{e.field}: {e.reason}")
    fmt = guess_format(path)
    with TableWriter(path, [*headers, REJECTED_ERRORS_COLUMN], fmt, sheet_title="rechazadas") as w:
        for line in sorted(rejected_cells):
            cells = list(rejected_cells[line])[: len(headers)]
            cells += [""] * (len(headers) - len(cells))
            w.write([_text(c) if not isinstance(c, int | float) or isinstance(c, bool) else c for c in cells]
                    + ["; ".join(reasons.get(line, []))])


# --- fast writes -----------------------------------------------------------------------------------------

def model_columns(model, names: Sequence[str]) -> list:
    """Concrete fields of `model` by attname (e.g. "municipality_id")."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    return [by_attname[n] for n in names]


def field_names(model, attnames: Sequence[str]) -> list[str]:
    """Field names for attnames ("municipality_id" -> "municipality", "tax_id" stays), e.g. for bulk_update."""
    by_attname = {f.attname: f.name for f in model._meta.concrete_fields}
    return [by_attname[a] for a in attnames]


def insert_rows(model, names: Sequence[str], rows: Iterable[Sequence], *, using_copy: bool | None = None) -> int:
    """Insert plain tuples (values in the order of `names`, Python values) into `model`'s table.

    PostgreSQL: COPY FROM STDIN; other databases: executemany with values prepared by each field.
    Rows must carry every NOT NULL column without a database default (including explicit ids when given).
    """
    fields = model_columns(model, names)
    table = model._meta.db_table
    qn = connection.ops.quote_name
    cols = ", ".join(qn(f.column) for f in fields)
    n = 0
    if using_copy is None:
        using_copy = connection.vendor == "postgresql"
    if using_copy and connection.vendor == "postgresql":
        json_idx = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
        dumps = _json_dumper()
        with connection.cursor() as cursor:
            raw_cursor = cursor.cursor
            with raw_cursor.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as copy:
                write_row = copy.write_row
                for row in rows:
                    if json_idx:
                        row = list(row)
                        for i in json_idx:
                            row[i] = dumps(row[i])
                    write_row(row)
                    n += 1
        return n
    preps = [_prep_for(f) for f in fields]
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(table)} ({cols}) VALUES ({placeholders})"
    convert = [(i, p) for i, p in enumerate(preps) if p is not None]
    if convert:
        prepared = []
        for row in rows:
            row = list(row)
            for i, p in convert:
                row[i] = p(row[i])
            prepared.append(row)
    else:
        prepared = rows if isinstance(rows, list) else list(rows)
    if prepared:
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared)
    return len(prepared)


def update_rows(model, names: Sequence[str], rows: Iterable[Sequence]) -> int:
    """UPDATE rows by primary key: each row holds the values of `names` followed by the pk.

    One parametrised statement executed for many rows: linear, unlike Django's bulk_update (CASE per field).
    """
    fields = model_columns(model, names)
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {assignments} WHERE {qn(model._meta.pk.column)} = %s"
    convert = [(i, p) for i, p in enumerate(_prep_for(f) for f in fields) if p is not None]
    prepared = []
    for row in rows:
        row = list(row)
        for i, p in convert:
            row[i] = p(row[i])
        prepared.append(row)
    if prepared:
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared)
    return len(prepared)


def _prep_for(f) -> Callable | None:
    """A fast converter from Python value to database value for executemany (None: pass as is)."""
    kind = f.get_internal_type()
    if connection.vendor == "postgresql":  # psycopg adapts dates and aware datetimes itself
        return (lambda v: f.get_db_prep_save(v, connection)) if kind == "JSONField" else None
    if kind in ("CharField", "TextField", "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
                "SmallIntegerField", "BigIntegerField", "AutoField", "BigAutoField", "ForeignKey", "EmailField",
                "FloatField", "BooleanField"):
        return None
    if kind == "DateField":
        return lambda v: None if v is None else v.isoformat()
    if kind == "DateTimeField":
        adapt = connection.ops.adapt_datetimefield_value
        cache: dict = {}

        def prep_datetime(v):
            if v is None:
                return None
            out = cache.get(v)
            if out is None:
                if len(cache) > 10000:
                    cache.clear()
                out = cache[v] = adapt(v)
            return out

        return prep_datetime
    if kind == "JSONField":
        return _json_dumper()
    return lambda v: f.get_db_prep_save(v, connection)


def _json_dumper() -> Callable:
    """json.dumps for JSON columns, remembering the text of lists of strings (barriers repeat a lot)."""
    import json

    cache: dict[tuple, str] = {}

    def dumps(value) -> str:
        if type(value) is list and all(type(v) is str for v in value):
            key = tuple(value)
            text = cache.get(key)
            if text is None:
                if len(cache) > 10000:
                    cache.clear()
                text = cache[key] = json.dumps(value, ensure_ascii=False)
            return text
        return json.dumps(value, ensure_ascii=False)

    return dumps


def reset_sequences(*models) -> None:
    """After inserting explicit ids, move PostgreSQL sequences past them (no-op elsewhere)."""
    from django.core.management.color import no_style

    sql = connection.ops.sequence_reset_sql(no_style(), list(models))
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def allocate_ids(model, n: int) -> list[int]:
    """`n` fresh primary keys for explicit-id inserts (call inside the transaction that inserts them).

    PostgreSQL draws them from the table's sequence (safe with concurrent writers); SQLite, which has one
    writer at a time, continues after the current maximum.
    """
    if n <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, n])
            return [r[0] for r in cursor.fetchall()]
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(pk)}) FROM {connection.ops.quote_name(table)}")
        start = (cursor.fetchone()[0] or 0) + 1
    return list(range(start, start + n))


def display_path(path) -> str:
    return os.fspath(path) if isinstance(path, str | os.PathLike) else Path(getattr(path, "name", "datos")).name
