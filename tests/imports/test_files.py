"""Reading files as they come from the field: encodings, delimiters, XLSX, garbage, size limit."""

from __future__ import annotations

import pytest
from helpers import write_rows

from siee.core.tabular import FileTooLarge, UnreadableFile, decode_text, read_table
from siee.people.imports import import_people
from siee.people.models import Person

HEADER = ["tipo_documento", "numero_documento", "nombres", "apellidos", "fecha_nacimiento", "sexo", "municipio",
          "correo", "nacionalidad"]
ROWS = [
    ["CC", "1098765432", "José Ñañez", "Peña Muñoz", "1990-05-17", "M", "68001", "jose@example.com", "CO"],
    ["PPT", "4455667", "Génesis", "Briceño", "12/03/1995", "F", "68276", "", "VE"],
    ["CC", "63555444", "María Inés", "Álvarez", "1978-11-30", "mujer", "68307", "", ""],
]


def _names():
    return sorted((p.first_names, p.last_names) for p in Person.objects.all())


EXPECTED = sorted([("José Ñañez", "Peña Muñoz"), ("Génesis", "Briceño"), ("María Inés", "Álvarez")])


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "cp1252"])
def test_spanish_names_survive_every_field_encoding(tmp_path, encoding):
    path = write_rows(tmp_path / "p.csv", [HEADER, *ROWS], encoding=encoding)
    result = import_people(path)
    assert (result.created, result.rejected) == (3, 0)
    assert _names() == EXPECTED


@pytest.mark.django_db
@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    path = write_rows(tmp_path / "p.csv", [HEADER, *ROWS], delimiter=delimiter)
    assert import_people(path).created == 3
    assert Person.objects.get(document_number="4455667").birth_date.isoformat() == "1995-03-12"


@pytest.mark.django_db
def test_xlsx_with_typed_cells_imports(tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["CC", 1098765432, "José Ñañez", "Peña Muñoz", dt.datetime(1990, 5, 17), "M", 68001, "jose@example.com", "CO"])
    ws.append(["PPT", "4455667", "Génesis", "Briceño", dt.date(1995, 3, 12), "F", "68276", None, "VE"])
    ws.append(["CC", 63555444.0, "María Inés", "Álvarez", "1978-11-30", "mujer", 68307, None, None])
    ws.append([None] * len(HEADER))  # trailing blank row is ignored
    wb.save(tmp_path / "p.xlsx")
    result = import_people(tmp_path / "p.xlsx")
    assert (result.created, result.rejected) == (3, 0)
    assert _names() == EXPECTED
    assert Person.objects.get(document_number="63555444").municipality.code == "68307"


@pytest.mark.django_db
def test_xlsx_row_errors_use_sheet_row_numbers(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(ROWS[0])
    ws.append(["CC", "1", "Ana", "Ruiz", "1990-01-01", "F", "68001", "", ""])
    wb.save(tmp_path / "p.xlsx")
    result = import_people(tmp_path / "p.xlsx", rejected_path=tmp_path / "rejected.xlsx")
    assert [(e.row, e.field) for e in result.errors] == [(3, "document_number")]
    from openpyxl import load_workbook

    rows = list(load_workbook(tmp_path / "rejected.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == (*HEADER, "errores")
    assert rows[1][:3] == ("CC", "1", "Ana")


@pytest.mark.django_db
@pytest.mark.parametrize("content, words", [
    (b"\x00\x01garbage", "no parece un CSV ni un XLSX"),
    (bytes(range(256)) * 50, "no parece un CSV ni un XLSX"),
    (b"", "vacío"),
    (b"   \n\n", "vacío"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "formato antiguo de Excel"),
    (b"PK\x03\x04 not really a zip", "no es un XLSX válido"),
    (b"foo,bar,baz\n1,2,3\n", "ninguna columna del encabezado es reconocida"),
    (b"nombres,apellidos\nAna,Ruiz\n", "no tiene las columnas obligatorias: document_type, document_number"),
])
def test_unreadable_files_raise_a_clear_error_and_write_nothing(tmp_path, content, words):
    path = tmp_path / "junk.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile) as info:
        import_people(path)
    assert words in info.value.message
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_oversized_file_is_refused_before_reading(tmp_path, settings):
    path = write_rows(tmp_path / "p.csv", [HEADER, *ROWS * 100])
    settings.IMPORT_MAX_BYTES = 1024
    with pytest.raises(FileTooLarge) as info:
        import_people(path)
    assert "el máximo permitido es 1 KB" in info.value.message
    assert Person.objects.count() == 0


def test_decode_prefers_utf8_then_cp1252():
    assert decode_text("Ñandú".encode()) == ("Ñandú", "utf-8")
    assert decode_text("Ñandú".encode("cp1252")) == ("Ñandú", "cp1252")
    assert decode_text(b"\xef\xbb\xbfid") == ("id", "utf-8-sig")
    assert decode_text(b"caf\xe9 \x81") == ("café \x81", "latin-1")


def test_read_table_normalizes_headers_and_numbers_rows_like_a_spreadsheet():
    table = read_table("  Nombres ;Apellidos\r\nAna;Ruiz\r\n\r\nLuis;Díaz\r\n".encode(),
                       normalize_header=lambda h: h.strip().lower())
    assert table.columns == ["nombres", "apellidos"]
    assert table.delimiter == ";"
    assert list(table.rows) == [(2, ["Ana", "Ruiz"]), (3, []), (4, ["Luis", "Díaz"])]
