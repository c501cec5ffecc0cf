"""Reading and writing spreadsheets (CSV and XLSX) robustly and in a streaming fashion.

Reading: the encoding is detected (UTF-8 with or without BOM, else Windows-1252/Latin-1, both common in the
field), the CSV delimiter is sniffed (``,`` ``;`` or tab), headers are normalised through the entity's
``normalize_header``, and files that are too large, binary or otherwise unreadable raise ``UnreadableFile``
with a Spanish message for the user. XLSX is read with openpyxl in read-only mode.

Writing: CSV (UTF-8, no BOM) and XLSX (openpyxl write-only) from an iterator of rows, so exports of a
million rows do not hold them in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
DELIMITERS = (",", ";", "\t", "|")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

csv.field_size_limit(10 * 1024 * 1024)


class UnreadableFile(Exception):
    """The file as a whole cannot be read (nothing was imported). `message` is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class FileTooLarge(UnreadableFile):
    pass


@dataclass
class Table:
    """A spreadsheet being read: normalised column names and an iterator of (line number, cells).

    `line` is the spreadsheet's row number: the header is row 1, the first data row is row 2.
    """

    columns: list[str]  # normalised names, one per cell of the header
    headers: list[str]  # the header cells as written in the file
    rows: Iterator[tuple[int, list]]
    encoding: str = ""
    delimiter: str = ""
    kind: str = "csv"
    extra: dict = field(default_factory=dict)


def _max_bytes(max_bytes: int | None) -> int:
    if max_bytes is not None:
        return max_bytes
    try:
        from django.conf import settings

        return int(settings.IMPORT_MAX_BYTES)
    except Exception:  # settings not configured: reading outside Django
        return 50 * 1024 * 1024


def _human(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def read_bytes(source: str | os.PathLike | IO[bytes] | bytes, *, max_bytes: int | None = None) -> tuple[bytes, str]:
    """The file's content and its name, refusing files larger than the limit before reading them whole."""
    limit = _max_bytes(max_bytes)
    if isinstance(source, bytes | bytearray):
        data, name = bytes(source), "datos"
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        name = path.name
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise UnreadableFile(f"No se pudo abrir el archivo {name}: {exc.strerror or exc}") from None
        if size > limit:
            raise FileTooLarge(f"El archivo {name} pesa {_human(size)}; el máximo permitido es {_human(limit)}. "
                               "Divídalo en varios archivos.")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableFile(f"No se pudo leer el archivo {name}: {exc.strerror or exc}") from None
    else:
        name = Path(getattr(source, "name", "") or "datos").name
        data = source.read(limit + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    if len(data) > limit:
        raise FileTooLarge(f"El archivo {name} supera el máximo permitido de {_human(limit)}. Divídalo en varios archivos.")
    return data, name


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), else Windows-1252, else Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        try:
            return data.decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise UnreadableFile("El archivo dice ser UTF-8 pero contiene bytes no válidos; guárdelo de nuevo como CSV UTF-8.") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise UnreadableFile("No se pudo leer el archivo: codificación UTF-16 dañada.") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return data.decode("latin-1"), "latin-1"


def _looks_binary(data: bytes) -> bool:
    head = data[:65536]
    if b"\x00" in head:
        return True
    return False


def _sniff_delimiter(first_line: str) -> str:
    best, best_n = ",", 0
    for delim in DELIMITERS:
        try:
            cells = next(csv.reader([first_line], delimiter=delim))
        except (csv.Error, StopIteration):
            continue
        if len(cells) > best_n:
            best, best_n = delim, len(cells)
    return best


def _check_text(text: str, name: str) -> None:
    sample = text[:65536]
    if not sample.strip():
        raise UnreadableFile(f"El archivo {name} está vacío: no tiene fila de encabezados.")
    controls = len(_CONTROL.findall(sample))
    if controls > max(2, len(sample) // 200):
        raise UnreadableFile(f"El archivo {name} no se pudo leer: no parece un CSV ni un XLSX (contenido binario o dañado).")


def _read_csv(data: bytes, name: str) -> tuple[list[str], Iterator[tuple[int, list]], str, str]:
    if _looks_binary(data):
        raise UnreadableFile(f"El archivo {name} no se pudo leer: no parece un CSV ni un XLSX (contenido binario o dañado).")
    text, encoding = decode_text(data)
    del data
    _check_text(text, name)
    first_line = text.split("\n", 1)[0]
    delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (csv.Error, StopIteration):
        raise UnreadableFile(f"El archivo {name} no se pudo leer: no tiene fila de encabezados.") from None

    def rows():
        line = 1
        try:
            for cells in reader:
                line += 1
                yield line, cells
        except csv.Error as exc:
            raise UnreadableFile(f"El archivo {name} está dañado cerca de la fila {line + 1}: {exc}") from None

    return header, rows(), encoding, delimiter


def _cell(value):
    if isinstance(value, dt.datetime):
        if value.hour == value.minute == value.second == 0:
            return value.date()
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _read_xlsx(data: bytes, name: str) -> tuple[list[str], Iterator[tuple[int, list]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise UnreadableFile(f"El archivo {name} no es un XLSX válido: {exc}") from None
    except Exception as exc:  # openpyxl raises several kinds on damaged files
        raise UnreadableFile(f"El archivo {name} no es un XLSX válido ({type(exc).__name__}).") from None
    ws = wb.worksheets[0] if wb.worksheets else None
    if ws is None:
        raise UnreadableFile(f"El archivo {name} no tiene hojas.")
    it = ws.iter_rows(values_only=True)
    header = None
    for row in it:
        if row and any(v not in (None, "") for v in row):
            header = ["" if v is None else str(v).strip() for v in row]
            break
    if header is None:
        wb.close()
        raise UnreadableFile(f"El archivo {name} está vacío: no tiene fila de encabezados.")
    while header and header[-1] == "":
        header.pop()
    width = len(header)

    def rows():
        line = 1
        try:
            for row in it:
                line += 1
                cells = [_cell(v) for v in row[:width]]
                yield line, cells
        finally:
            wb.close()

    return header, rows()


def read_table(source, *, normalize_header: Callable[[str], str] | None = None, known_columns: Iterable[str] = (),
               max_bytes: int | None = None) -> Table:
    """Open a CSV or XLSX file (path, bytes or binary file object) for row-by-row reading.

    Raises UnreadableFile when the file is too large, binary, empty, not decodable, or when none of its
    header cells is a known column.
    """
    data, name = read_bytes(source, max_bytes=max_bytes)
    if data.startswith(OLE_MAGIC):
        raise UnreadableFile(f"El archivo {name} está en el formato antiguo de Excel (.xls); guárdelo como .xlsx o .csv.")
    if data.startswith(XLSX_MAGIC):
        headers, rows = _read_xlsx(data, name)
        encoding, delimiter, kind = "", "", "xlsx"
    else:
        headers, rows, encoding, delimiter = _read_csv(data, name)
        kind = "csv"
    norm = normalize_header or (lambda h: (h or "").strip().lower().lstrip("\ufeff"))
    columns = [norm(h) for h in headers]
    known = set(known_columns)
    if known and not known.intersection(columns):
        raise UnreadableFile(
            f"El archivo {name} no se pudo leer: ninguna columna del encabezado es reconocida "
            f"(se esperan columnas como {', '.join(list(known_columns)[:6])}...)."
        )
    return Table(columns=columns, headers=headers, rows=rows, encoding=encoding, delimiter=delimiter, kind=kind,
                 extra={"name": name})


# --- writing ---------------------------------------------------------------------------------------------

def format_cell(value) -> str:
    """Text form of a value in CSV exports: ISO dates, si/no booleans, empty for None."""
    if value is None:
        return ""
    if value is True:
        return "si"
    if value is False:
        return "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def guess_format(path: str | os.PathLike, default: str = "csv") -> str:
    suffix = Path(path).suffix.lower()
    return {".xlsx": "xlsx", ".csv": "csv", ".txt": "csv"}.get(suffix, default)


class TableWriter:
    """Streaming writer: `with TableWriter(path, columns, fmt) as w: w.write(row)`."""

    def __init__(self, path: str | os.PathLike, columns: list[str], fmt: str = "csv", *, sheet_title: str = "datos"):
        if fmt not in ("csv", "xlsx"):
            raise ValueError(f"formato desconocido: {fmt}")
        self.path = Path(path)
        self.fmt = fmt
        self.columns = columns
        self.count = 0
        self._sheet_title = sheet_title
        self._fh = None
        self._csv = None
        self._wb = None
        self._ws = None

    def __enter__(self) -> TableWriter:
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.fmt == "csv":
            self._fh = open(self.path, "w", newline="", encoding="utf-8")
            self._csv = csv.writer(self._fh, lineterminator="\n")
            self._csv.writerow(self.columns)
        else:
            from openpyxl import Workbook

            self._wb = Workbook(write_only=True)
            self._ws = self._wb.create_sheet(self._sheet_title[:31])
            self._ws.append(self.columns)
        return self

    def write(self, row: Iterable) -> None:
        if self._csv is not None:
            self._csv.writerow([format_cell(v) for v in row])
        else:
            self._ws.append([_xlsx_value(v) for v in row])
        self.count += 1

    def write_many(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.write(row)

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._fh is not None:
            self._fh.close()
        if self._wb is not None:
            if exc_type is None:
                self._wb.save(self.path)
            self._wb.close() if hasattr(self._wb, "close") else None


_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_value(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "si" if value else "no"
    if isinstance(value, dt.date | int | float):
        return value
    text = str(value)
    if _ILLEGAL_XLSX.search(text):
        text = _ILLEGAL_XLSX.sub(" ", text)
    return text


def write_table(path: str | os.PathLike, columns: list[str], rows: Iterable[Iterable], fmt: str | None = None) -> int:
    fmt = fmt or guess_format(path)
    with TableWriter(path, columns, fmt) as writer:
        writer.write_many(rows)
        return writer.count
