"""Spreadsheets for the import tests: N people of which some rows are wrong in known ways."""

from __future__ import annotations

import csv
import io

BAD_KINDS = [
    ("birth_date", "2099-01-01"),  # future birth date
    ("municipality_code", "99999"),  # unknown municipality
    ("document_number", ""),  # missing document
    ("sex", "Z"),  # not a choice
    ("birth_date", "31/02/1990"),  # impossible date
]


def people_csv(n: int, bad: int, *, municipality: str = "68001", start: int = 10_000_000) -> tuple[bytes, list[int]]:
    """CSV bytes (UTF-8) and the spreadsheet row numbers (header = row 1) of the `bad` rows."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["tipo_documento", "numero_documento", "nombres", "apellidos", "fecha_nacimiento", "sexo",
                "nacionalidad", "telefono", "municipio", "fecha_consentimiento"])
    step = n // bad if bad else n + 1
    bad_rows = []
    for i in range(n):
        row = {"document_type": "PPT" if i % 3 == 0 else "CC", "document_number": str(start + i),
               "first_names": f"Nombre{i}", "last_names": f"Apellido{i} Pérez", "birth_date": f"{1960 + i % 40}-0{1 + i % 9}-1{i % 9}",
               "sex": "F" if i % 2 else "M", "nationality": "VE" if i % 3 == 0 else "CO",
               "phone": f"300{start + i}", "municipality_code": municipality, "consent_date": "2026-01-15"}
        if bad and i % step == 0 and len(bad_rows) < bad:
            field, value = BAD_KINDS[len(bad_rows) % len(BAD_KINDS)]
            row[field] = value
            bad_rows.append(i + 2)
        w.writerow([row[k] for k in ("document_type", "document_number", "first_names", "last_names", "birth_date", "sex",
                                     "nationality", "phone", "municipality_code", "consent_date")])
    return out.getvalue().encode("utf-8"), bad_rows
