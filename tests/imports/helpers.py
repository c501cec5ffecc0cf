"""Helpers for the import/export tests: demo data, CSV files, comparing exports modulo the id column."""

from __future__ import annotations

import csv
from pathlib import Path

from siee.employers.models import Employer, Vacancy
from siee.people.models import Person


def read_rows(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    with open(path, newline="", encoding=encoding) as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def without_id(rows: list[list[str]]) -> list[list[str]]:
    assert rows[0][0] == "id"
    return [r[1:] for r in rows]


def delete_all_records() -> None:
    Vacancy.objects.all().delete()
    Employer.objects.all().delete()
    Person.objects.all().delete()
