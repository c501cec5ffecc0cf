"""The column-wise fast path (`PersonBatchCleaner`) gives exactly what `clean_person` row by row gives.

`clean_person` is the reference: for every generated row the fast path must return the same cleaned values
(valid rows) and the same errors, fields and order (invalid rows). The rows mix valid values, every kind of
bad value the importer meets (blank required fields, impossible dates, unknown codes, out-of-scope
municipalities, wrong yes/no, bad e-mails and phones, too long texts) and the cell types XLSX produces
(int, float, bool, date, datetime). No database: the reference maps are built by hand.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from siee.core.validation import ReferenceMaps
from siee.lib.text import fold
from siee.people.models import Availability, Barrier, DocumentType, MigrationStatus, PersonStatus, Sex
from siee.people.validation import PERSON_COLUMNS, PersonBatchCleaner, clean_person, join_folded, name_key

TODAY = dt.date(2026, 11, 23)
MAPS = ReferenceMaps(
    territories={"68001": 1, "CO-68001": 1, "68276": 2, "CO-68276": 2, "76001": 3, "CO-76001": 3, "05001": 4},
    education={"3": 10, "bachillerato": 10, "media": 10, "6": 11, "universitario": 11},
    occupations={"urn:cocinero": 100, "urn:mesero": 101, "urn:soldador": 102},
    scope={1, 2, 4},
)

ODD_TYPES = [None, 0, 1, 7, 5001, 68001, 1400000, 3.0, 2.5, True, False, dt.date(1990, 1, 1),
             dt.datetime(1990, 1, 1, 0, 0), dt.datetime(2001, 5, 6, 7, 8)]
VALUES = {
    "document_type": [*DocumentType.values, "cc", " CC ", "pasaporte", "cédula", "XX", ""],
    "document_number": ["1029164101", "12AB34", "123", "1.029.164", " 5555 ", "12345678-5", "12.345.678-5",
                        "12345678-4", "1234567K", "١٢٣٤٥", "AB-123", "A" * 25, "", "ABC123\n", "9" * 16, "12 34 56"],
    "first_names": ["Ana", "  Ana  María ", "", "   ", "x" * 121, "Ana\tMaría", "José"],
    "last_names": ["Pérez", "Gómez  Ruiz", "", "y" * 121, " Núñez "],
    "birth_date": ["1990-10-09", "09/10/1990", "1990-02-30", "2090-01-01", "2020-01-01", "1900-01-01", "abc", "",
                   "1990-10-09 00:00:00", "٢٠٠٠-٠١-٠١", "1990-1-5", "2012-11-24", "2012-11-23", "31.12.1985"],
    "sex": [*Sex.values, "mujer", "Hombre", "Z", "", "x", "X ", "no informa"],
    "gender_identity": ["", "no binario", "g" * 61],
    "nationality": ["CO", "ve", "Venezuela", "Venezolana", "", "PERÚ", "C0"],
    "phone": ["3211943381", "+57 321 194 3381", "llamar luego", "", "  300-123-4567 ", "123", "3001234567\n"],
    "whatsapp": ["3211943381", "", "wa", "(607) 634 5566"],
    "email": ["ana@correo.co", " ANA@Correo.CO ", "ana@@correo", "", "a b@c.d", "sin-arroba"],
    "address": ["Calle 1 # 2-3", "", "d" * 201, "  Carrera 7  "],
    "municipality_code": ["68001", "CO-68001", "68276", "76001", "99999", "5001", "", " 68001 ", "co-68001"],
    "education_level": ["3", "bachillerato", "Bachillerato", "doctorado en magia", "", "6", "Universitario"],
    "status": [*PersonStatus.values, "", "vacaciones"],
    "availability": [*Availability.values, "", "nunca"],
    "expected_wage": ["1400000", "1.300.000", "1,300,000", "mucho", "-5", "", "2000000000", "1400000.00", "$ 900000"],
    "willing_to_relocate": ["si", "no", "Sí", "quizás", "", "1", "x"],
    "max_hours_per_week": ["40", "85", "", "0", "cuarenta"],
    "desired_occupations": ["", "urn:cocinero", "urn:cocinero|urn:mesero", "urn:cocinero|urn:nada", " urn:mesero | ",
                            "urn:cocinero|urn:cocinero", "|"],
    "interests": ["", "cocina", "i" * 2001],
    "languages": ["", "es|en", "l" * 201],
    "migration_status": [*MigrationStatus.values, "", "turista"],
    "arrival_date": ["2020-01-01", "1980-01-01", "2099-01-01", "2020-13-01", "", "15/03/2019"],
    "household_size": ["3", "0", "41", "", "3.0", "tres"],
    "disability": ["si", "no", "", "tal vez"],
    "disability_type": ["", "visual", "t" * 101],
    "ethnicity": ["", "afrodescendiente", "e" * 61],
    "conflict_victim": ["no", "si", "", "n/a"],
    "barriers": ["", "|".join(Barrier.values[:2]), "miedo", f" {Barrier.values[0]} | miedo ", Barrier.values[-1]],
    "consent_date": ["2024-01-15", "2099-05-05", "15/01/2024", "nope", "", "2026-11-23", "2026-11-24"],
    "consent_channel": ["", "web", "c" * 30],
    "consent_version": ["", "v2", "w" * 25],
}
ALWAYS_PRESENT = ("document_type", "document_number", "first_names", "last_names", "birth_date", "sex",
                  "municipality_code")


def cell(name: str):
    plain = st.sampled_from(VALUES[name])
    kinds = [plain, plain, plain, plain, st.sampled_from(ODD_TYPES), st.text(max_size=6)]
    if name in ("barriers", "desired_occupations"):  # lists arrive from forms and the API
        kinds.append(st.lists(st.sampled_from(["urn:cocinero", Barrier.values[0], "x"]), max_size=2))
    return st.one_of(*kinds)


# Rows are mostly valid (as in real files), with a few bad cells each; some files lack optional columns.
VALID = {name: st.sampled_from([v for v in VALUES[name][:3] if v not in ("", "12AB34", "123")] or [""])
         for name in VALUES}


@st.composite
def files(draw):
    optional = [c for c in PERSON_COLUMNS if c not in ALWAYS_PRESENT and c != "id"]
    columns = [*ALWAYS_PRESENT, *draw(st.lists(st.sampled_from(optional), unique=True, min_size=len(optional) - 3))]
    n = draw(st.integers(min_value=1, max_value=25))
    rows = []
    for _ in range(n):
        bad = set(draw(st.lists(st.sampled_from(columns), max_size=3)))
        rows.append({c: draw(cell(c) if c in bad else VALID[c]) for c in columns})
    return rows


def reference(rows):
    return [clean_person(dict(raw), MAPS, today=TODAY) for raw in rows]


@hypothesis_settings(max_examples=150, deadline=None, derandomize=True, database=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(chunks=st.lists(files(), min_size=1, max_size=3))
def test_fast_path_gives_the_reference_results_for_valid_and_invalid_rows(chunks):
    cleaner = PersonBatchCleaner(MAPS, today=TODAY)  # one cleaner over several chunks: its memo is reused
    for rows in chunks:
        assert cleaner.clean_rows([dict(r) for r in rows]) == reference(rows)


BASE_ROW = {name: VALID_VALUES[0] for name, VALID_VALUES in VALUES.items()} | {
    "document_type": "CC", "document_number": "1029164101", "first_names": "Ana", "last_names": "Pérez",
    "birth_date": "1990-10-09", "sex": "F", "municipality_code": "68001"}
PAIRS = [("document_type", "document_number"), ("birth_date", "arrival_date"), ("consent_date", "consent_channel")]


def every_single_and_paired_variation() -> list[dict]:
    rows = [dict(BASE_ROW)]
    for name, values in VALUES.items():
        for value in [*values, *ODD_TYPES]:
            rows.append({**BASE_ROW, name: value})
        rows.append({k: v for k, v in BASE_ROW.items() if k != name})  # column absent from the file
    for first, second in PAIRS:
        for a in [*VALUES[first], *ODD_TYPES]:
            for b in VALUES[second]:
                rows.append({**BASE_ROW, first: a, second: b})
    return rows


def test_fast_path_equals_reference_for_every_listed_value_of_every_column():
    rows = every_single_and_paired_variation()
    assert len(rows) > 1000
    cleaner = PersonBatchCleaner(MAPS, today=TODAY)
    fast = []
    for start in range(0, len(rows), 97):  # several chunks: the per-column memo carries over
        fast.extend(cleaner.clean_rows([dict(r) for r in rows[start:start + 97]]))
    expected = reference(rows)
    mismatches = [(row, got, want) for row, got, want in zip(rows, fast, expected, strict=True) if got != want]
    assert mismatches == []
    rejected = sum(1 for _, errors in expected if errors)
    assert 400 < rejected < len(rows) - 300  # the list really mixes valid and invalid rows
    assert cleaner.fallbacks < len(rows) - 300  # and most valid rows took the fast path


def test_fast_path_handles_the_usual_rows_itself_and_sends_doubtful_ones_to_the_reference():
    good = {"document_type": "CC", "document_number": "1029164101", "first_names": "Ana  María",
            "last_names": "Pérez", "birth_date": "1990-10-09", "sex": "F", "municipality_code": "68001",
            "education_level": "3", "desired_occupations": "urn:cocinero|urn:mesero", "consent_date": "2024-01-15",
            "barriers": Barrier.values[0], "expected_wage": "1.300.000", "willing_to_relocate": "si"}
    arrival_before_birth = {**good, "document_number": "55555", "arrival_date": "1980-01-01"}
    outside = {**good, "document_number": "66666", "municipality_code": "76001"}
    cleaner = PersonBatchCleaner(MAPS, today=TODAY)

    results = cleaner.clean_rows([good, arrival_before_birth, outside])

    assert cleaner.fallbacks == 2
    cleaned, errors = results[0]
    assert errors == []
    assert (cleaned["first_names"], cleaned["birth_date"], cleaned["municipality_id"], cleaned["education_level_id"],
            cleaned["desired_occupation_ids"], cleaned["barriers"], cleaned["expected_wage"],
            cleaned["willing_to_relocate"], cleaned["consent_date"], cleaned["consent_channel"]) == (
        "Ana María", dt.date(1990, 10, 9), 1, 10, [100, 101], [Barrier.values[0]], 1300000, True,
        dt.date(2024, 1, 15), "in_person")
    assert results[1][1] == [("arrival_date", "la fecha de llegada es anterior al nacimiento")]
    assert results[2][1] == [("municipality_code", "el municipio 76001 está fuera de los territorios de su organización")]


def test_fast_path_returns_a_fresh_list_per_row():
    row = {"document_type": "CC", "document_number": "1029164101", "first_names": "Ana", "last_names": "Pérez",
           "birth_date": "1990-10-09", "sex": "F", "municipality_code": "68001", "desired_occupations": "urn:mesero"}
    first, second = PersonBatchCleaner(MAPS, today=TODAY).clean_rows([row, {**row, "document_number": "1029164102"}])
    first[0]["desired_occupation_ids"].append(999)
    assert second[0]["desired_occupation_ids"] == [101]


@hypothesis_settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(first=st.text(max_size=12), last=st.text(max_size=12))
def test_name_key_from_folded_parts_equals_name_key(first, last):
    assert join_folded(fold(first), fold(last)) == name_key(first, last)
