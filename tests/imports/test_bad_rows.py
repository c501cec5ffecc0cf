"""1,000 rows with 20 bad ones: exactly those 20 come back with row number, field and reason; 980 are saved."""

from __future__ import annotations

import pytest
from helpers import delete_all_records, read_rows, write_rows

from siee.core.demo import generate_demo
from siee.people.exports import export_people
from siee.people.imports import import_people
from siee.people.models import Consent, Person

# (data index, column, new value, expected field, expected words in the reason)
FAULTS = [
    (10, "first_names", "", "first_names", "campo obligatorio vacío"),
    (55, "document_number", "", "document_number", "campo obligatorio vacío"),
    (90, "birth_date", "", "birth_date", "campo obligatorio vacío"),
    (130, "municipality_code", "", "municipality_code", "campo obligatorio vacío"),
    (170, "birth_date", "2023-02-30", "birth_date", "fecha imposible: '2023-02-30'"),
    (210, "birth_date", "2090-01-01", "birth_date", "la fecha de nacimiento está en el futuro"),
    (250, "municipality_code", "99999", "municipality_code", "municipio desconocido: '99999'"),
    (300, "email", "ana@@correo", "email", "correo no válido: 'ana@@correo'"),
    (350, "document_number", "12AB34", "document_number", "para CC el número debe tener solo dígitos"),
    (400, "municipality_code", "76001", "municipality_code", "fuera de los territorios de su organización"),
    (450, "sex", "Z", "sex", "valor no permitido: 'Z'"),
    (500, "education_level", "doctorado en magia", "education_level", "nivel educativo desconocido"),
    (550, "arrival_date", "2020-13-01", "arrival_date", "fecha imposible"),
    (600, "expected_wage", "mucho", "expected_wage", "no es un número entero: 'mucho'"),
    (650, "desired_occupations", "urn:nada", "desired_occupations", "ocupación desconocida: 'urn:nada'"),
    (700, "barriers", "miedo", "barriers", "barreras desconocidas: miedo"),
    (750, "nationality", "Venezolana", "nationality", "use el código ISO de dos letras"),
    (800, "phone", "llamar luego", "phone", "teléfono no válido"),
    (850, "consent_date", "2099-05-05", "consent_date", "la fecha de autorización está en el futuro"),
]
DUPLICATE_OF, DUPLICATE_AT = 20, 900  # data index 900 becomes a copy of data index 20 (spreadsheet rows 22 / 902)


@pytest.fixture
def thousand_rows(tmp_path):
    generate_demo(people=1000, vacancies=0, seed=31)
    export_people(tmp_path / "all.csv")
    delete_all_records()
    return read_rows(tmp_path / "all.csv")


@pytest.mark.django_db
@pytest.mark.parametrize("workers", [1, 3])
def test_twenty_bad_rows_are_rejected_with_row_field_and_reason(tmp_path, thousand_rows, actors, workers,
                                                               monkeypatch):
    monkeypatch.setattr("siee.core.imports.VALIDATION_CHUNK", 97)  # several chunks in flight when parallel
    rows = thousand_rows
    header = rows[0]
    assert len(rows) == 1001
    for index, column, value, _, _ in FAULTS:
        rows[index + 1][header.index(column)] = value
    rows[351][header.index("document_type")] = "CC"  # "12AB34" is a valid passport number, not a valid CC
    rows[DUPLICATE_AT + 1] = [str(9999)] + rows[DUPLICATE_OF + 1][1:]
    path = write_rows(tmp_path / "bad.csv", rows)

    result = import_people(path, actor=actors.counsellor, report_path=tmp_path / "report.csv",
                           rejected_path=tmp_path / "rejected.csv", workers=workers)

    expected = {(index + 2, field) for index, _, _, field, _ in FAULTS} | {(DUPLICATE_AT + 2, "document_number")}
    assert {(e.row, e.field) for e in result.errors} == expected
    assert (result.created, result.updated, result.rejected) == (980, 0, 20)
    assert Person.objects.count() == 980
    assert len(result.errors) == 20
    reasons = {e.row: e.reason for e in result.errors}
    for index, _, _, _, words in FAULTS:
        assert words in reasons[index + 2], (index, reasons[index + 2])
    assert reasons[DUPLICATE_AT + 2] == f"fila duplicada (misma clave que la fila {DUPLICATE_OF + 2})"

    report = read_rows(tmp_path / "report.csv")
    assert report[0] == ["row", "field", "reason", "value"]
    assert [(int(r[0]), r[1]) for r in report[1:]] == sorted(expected)
    by_row = {int(r[0]): r for r in report[1:]}
    assert by_row[172][3] == "2023-02-30"
    assert by_row[252][3] == "99999"

    rejected = read_rows(tmp_path / "rejected.csv")
    assert rejected[0] == [*header, "errores"]
    assert len(rejected) == 21
    assert rejected[1][:-1] == rows[11]
    assert rejected[1][-1] == "first_names: campo obligatorio vacío"
    # every imported person belongs to the counsellor's agency and has the consent of the file
    assert Person.objects.filter(organization=actors.home).count() == 980
    assert Consent.objects.filter(person__isnull=False).count() == sum(
        1 for i, r in enumerate(rows[1:]) if r[header.index("consent_date")] and i + 2 not in {e for e, _ in expected})


@pytest.mark.django_db
def test_fixing_the_rejected_file_and_reimporting_completes_the_load(tmp_path, thousand_rows):
    rows = thousand_rows
    header = rows[0]
    good_email = rows[301][header.index("email")]
    rows[301][header.index("email")] = "sin-arroba"
    rows[401][header.index("sex")] = "?"
    write_rows(tmp_path / "bad.csv", rows)
    first = import_people(tmp_path / "bad.csv", rejected_path=tmp_path / "rejected.csv")
    assert (first.created, first.rejected) == (998, 2)

    fixed = read_rows(tmp_path / "rejected.csv")
    assert fixed[0][-1] == "errores"
    fixed[1][header.index("email")] = good_email
    fixed[2][header.index("sex")] = "F"
    write_rows(tmp_path / "fixed.csv", fixed)  # the "errores" column is ignored on import
    second = import_people(tmp_path / "fixed.csv")
    assert (second.created, second.updated, second.rejected) == (2, 0, 0)
    assert Person.objects.count() == 1000


@pytest.mark.django_db
def test_blanked_rows_keep_their_row_numbers(tmp_path, thousand_rows):
    """The contract's check: 20 rows blanked except the id column -> 980 imported, 20 rejected."""
    rows = thousand_rows
    for i in range(1, 21):
        rows[i * 40] = [rows[i * 40][0]] + [""] * (len(rows[i * 40]) - 1)
    write_rows(tmp_path / "blank.csv", rows)
    result = import_people(tmp_path / "blank.csv")
    assert (result.imported, result.rejected) == (980, 20)
    assert sorted({e.row for e in result.errors}) == [i * 40 + 1 for i in range(1, 21)]
    assert {e.field for e in result.errors} == {"document_type", "document_number", "first_names", "last_names",
                                                  "birth_date", "sex", "municipality_code"}
