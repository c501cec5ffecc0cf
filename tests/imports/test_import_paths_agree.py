"""End to end: importing a file through the column-wise fast path and through the per-row reference path
(`clean_person` for every row) stores the same people, consents and desired occupations and reports the
same rejected rows, fields and reasons; the background writer (PostgreSQL default) writes the same too."""

from __future__ import annotations

import threading

import pytest
from helpers import delete_all_records, read_rows, write_rows

from siee.core.demo import generate_demo
from siee.people.exports import export_people
from siee.people.imports import PeopleImport, import_people
from siee.people.models import Consent, Person

# (data index, column, bad value): one of each kind of fault the importer meets
FAULTS = [
    (3, "first_names", ""), (7, "document_number", ""), (11, "birth_date", "2023-02-30"),
    (15, "birth_date", "2090-01-01"), (19, "birth_date", "2020-01-01"), (23, "municipality_code", "99999"),
    (27, "municipality_code", "76001"), (31, "email", "ana@@correo"), (35, "document_number", "12AB34"),
    (39, "sex", "Z"), (43, "education_level", "doctorado en magia"), (47, "arrival_date", "2020-13-01"),
    (51, "arrival_date", "1901-01-01"), (55, "expected_wage", "mucho"), (59, "desired_occupations", "urn:nada"),
    (63, "barriers", "miedo"), (67, "nationality", "Venezolana"), (71, "phone", "llamar luego"),
    (75, "consent_date", "2099-05-05"), (79, "willing_to_relocate", "quizás"), (83, "household_size", "41"),
    (87, "last_names", "x" * 121), (91, "status", "vacaciones"), (95, "birth_date", "31/02/1990"),
    (99, "document_type", "XX"),
]
# valid but unusual spellings that the fast path sends to the reference or resolves through its memo
VARIANTS = [(101, "birth_date", "09/10/1990"), (103, "sex", "mujer"), (105, "email", " ANA@Correo.CO "),
            (107, "first_names", "  Ana   María "), (109, "expected_wage", "1.300.000"), (111, "municipality_code", "CO-68001"),
            (113, "document_number", " 12.345.678 "), (115, "consent_date", "15/01/2024"), (117, "nationality", "Venezuela")]


@pytest.fixture
def messy_file(tmp_path):
    generate_demo(people=150, vacancies=0, seed=77)
    export_people(tmp_path / "all.csv")
    delete_all_records()
    rows = read_rows(tmp_path / "all.csv")
    header = rows[0]
    for index, column, value in [*FAULTS, *VARIANTS]:
        rows[index + 1][header.index(column)] = value
    rows[113 + 1][header.index("document_type")] = "CC"
    rows[130 + 1] = ["9999", *rows[5 + 1][1:]]  # duplicated row
    rows[140 + 1] = [rows[140 + 1][0]] + [""] * (len(header) - 1)  # blanked row
    return write_rows(tmp_path / "messy.csv", rows, encoding="latin-1", delimiter=";")


@pytest.fixture
def second_connection(transactional_db):
    """The background writer's own connection must see committed data: PostgreSQL, outside a transaction."""
    from django.db import connection

    from siee.core.reference import ensure_reference_data

    if connection.vendor != "postgresql":
        pytest.skip("the background writer is used on PostgreSQL (SQLite test databases live in memory)")
    ensure_reference_data()  # a transactional test before this one may have flushed the tables


def stored() -> dict:
    fields = [f.attname for f in Person._meta.concrete_fields if f.attname not in ("id", "registered_at", "updated_at")]
    people = {(p["document_type"], p["document_number"]): {k: p[k] for k in fields}
              for p in Person.objects.values(*fields)}
    consents = sorted(Consent.objects.values_list("person__document_type", "person__document_number", "purpose",
                                                  "granted_at", "channel", "text_version", "recorded_by_id"))
    desired = sorted(Person.desired_occupations.through.objects.values_list(
        "person__document_type", "person__document_number", "occupation_id"))
    return {"people": people, "consents": consents, "desired": desired}


def run(path, tmp_path, actor, tag, **options):
    result = import_people(path, actor=actor, report_path=tmp_path / f"report-{tag}.csv",
                           rejected_path=tmp_path / f"rejected-{tag}.csv", **options)
    outcome = {"counts": (result.created, result.updated, result.rejected), "errors": result.errors,
               "report": read_rows(tmp_path / f"report-{tag}.csv"),
               "rejected": read_rows(tmp_path / f"rejected-{tag}.csv"), **stored()}
    return outcome


@pytest.mark.django_db
@pytest.mark.parametrize("workers", [1, 2])
def test_fast_and_reference_paths_store_and_report_the_same(messy_file, tmp_path, actors, workers, monkeypatch):
    monkeypatch.setattr("siee.core.imports.VALIDATION_CHUNK", 40)
    monkeypatch.setattr(PeopleImport, "batch_size", 50)
    reference = run(messy_file, tmp_path, actors.counsellor, "ref", fast_validation=False, workers=workers)
    reference_again = run(messy_file, tmp_path, actors.counsellor, "ref2", fast_validation=False, workers=workers)
    delete_all_records()
    fast = run(messy_file, tmp_path, actors.counsellor, "fast", workers=workers)
    fast_again = run(messy_file, tmp_path, actors.counsellor, "fast2", workers=workers)

    assert reference["counts"] == (150 - 27, 0, 27)  # 25 faults, 1 duplicate, 1 blank row
    assert reference_again["counts"] == (0, 150 - 27, 27)
    assert len({e.row for e in reference["errors"]}) == 27
    assert fast == reference
    assert fast_again == reference_again
    assert len(fast["people"]) == 123


@pytest.mark.django_db(transaction=True)
def test_background_writer_stores_the_same_as_writing_in_the_importing_thread(second_connection, messy_file, tmp_path, monkeypatch):
    monkeypatch.setattr(PeopleImport, "batch_size", 20)  # seven batches in flight through the queue
    inline = run(messy_file, tmp_path, None, "inline", writer_thread=False)
    delete_all_records()
    threaded = run(messy_file, tmp_path, None, "thread", writer_thread=True, workers=2)  # forks, then the thread
    assert threaded == inline
    assert inline["counts"] == (124, 0, 26)  # no actor: 76001 is not out of scope


@pytest.mark.django_db(transaction=True)
def test_background_writer_failure_keeps_earlier_batches_and_raises(second_connection, messy_file, monkeypatch):
    monkeypatch.setenv("SIEE_IMPORT_WRITERS", "1")  # one writer thread: batches commit in file order
    monkeypatch.setattr(PeopleImport, "batch_size", 20)
    original = PeopleImport.write_batch
    calls = {"n": 0}

    def failing(self, rows):
        calls["n"] += 1
        out = original(self, rows)
        if calls["n"] == 3:
            raise RuntimeError("disco lleno")  # inside the third batch's transaction
        return out

    monkeypatch.setattr(PeopleImport, "write_batch", failing)
    with pytest.raises(RuntimeError, match="disco lleno"):
        import_people(messy_file, writer_thread=True)
    assert calls["n"] == 3  # batches after the failure are not written
    assert Person.objects.count() == 40  # batches 1 and 2 committed, batch 3 rolled back entirely
    monkeypatch.setattr(PeopleImport, "write_batch", original)
    result = import_people(messy_file, writer_thread=True)
    assert (result.created, result.updated, result.rejected) == (84, 40, 26)


@pytest.mark.django_db(transaction=True)
def test_two_writer_threads_commit_whole_batches_and_raise_the_failure(second_connection, messy_file, monkeypatch):
    monkeypatch.setenv("SIEE_IMPORT_WRITERS", "2")  # two batches stored at once: they may commit in any order
    monkeypatch.setattr(PeopleImport, "batch_size", 20)
    original = PeopleImport.write_batch
    calls = {"n": 0}
    lock = threading.Lock()
    failed_rows: list[int] = []

    def failing(self, rows):
        with lock:
            calls["n"] += 1
            n = calls["n"]  # this call's number: the other thread may start the next call meanwhile
        out = original(self, rows)
        if n == 3:
            failed_rows.extend(p.line for p in rows)
            raise RuntimeError("disco lleno")
        return out

    monkeypatch.setattr(PeopleImport, "write_batch", failing)
    with pytest.raises(RuntimeError, match="disco lleno"):
        import_people(messy_file, writer_thread=True)
    n_stored = Person.objects.count()
    # whole batches only: the two started before the failure committed, the failed one rolled back entirely
    assert n_stored % 20 == 0 and 40 <= n_stored <= 124 - 20
    assert len(failed_rows) == 20
    monkeypatch.setattr(PeopleImport, "write_batch", original)
    result = import_people(messy_file, writer_thread=True)
    assert (result.created + result.updated, result.rejected) == (124, 26)
    assert result.updated == n_stored and Person.objects.count() == 124
