"""The CLI contract, run as a real process on a fresh SQLite file: exit status 0/1/2 and the last line."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path


def siee(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SIEE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "SIEE_REFERENCE_DIR": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-m", "siee.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300, cwd=tmp_path)


def last_line(proc: subprocess.CompletedProcess) -> str:
    return (proc.stdout.strip().splitlines() or [""])[-1]


def test_import_exit_status_and_last_line(tmp_path):
    demo = siee(tmp_path, "demo", "--people", "60", "--vacancies", "6", "--seed", "2")
    assert demo.returncode == 0, demo.stderr
    assert last_line(demo).startswith("Demostración creada: 60 personas (")
    out = siee(tmp_path, "export", "people", "--format", "csv", "--out", "p.csv")
    assert (out.returncode, last_line(out)) == (0, "Exportadas 60 filas a p.csv")

    ok = siee(tmp_path, "import", "people", "p.csv", "--report", "r.csv")
    assert ok.returncode == 0, ok.stderr
    assert last_line(ok) == "Importadas 60 filas (0 nuevas, 60 actualizadas); rechazadas 0. Informe: r.csv"

    rows = list(csv.reader(open(tmp_path / "p.csv", newline="", encoding="utf-8")))
    rows[5][5] = "2023-02-30"
    rows[7] = [rows[7][0]] + [""] * (len(rows[7]) - 1)
    with open(tmp_path / "bad.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    bad = siee(tmp_path, "import", "people", "bad.csv", "--report", "r2.csv", "--rejected", "fix.csv")
    assert bad.returncode == 1, bad.stderr
    assert last_line(bad) == "Importadas 58 filas (0 nuevas, 58 actualizadas); rechazadas 2. Informe: r2.csv"
    assert "fila 6, birth_date: fecha imposible: '2023-02-30'" in bad.stdout
    report = list(csv.reader(open(tmp_path / "r2.csv", newline="", encoding="utf-8")))
    assert report[1] == ["6", "birth_date", "fecha imposible: '2023-02-30'", "2023-02-30"]
    assert {r[0] for r in report[1:]} == {"6", "8"}
    assert len(list(csv.reader(open(tmp_path / "fix.csv", newline="", encoding="utf-8")))) == 3

    (tmp_path / "junk.csv").write_bytes(b"\x00\x01garbage")
    junk = siee(tmp_path, "import", "people", "junk.csv", "--report", "r3.csv")
    assert junk.returncode == 2
    assert "no parece un CSV ni un XLSX" in junk.stderr
    assert junk.stdout == ""

    missing = siee(tmp_path, "import", "people", "no-such-file.csv")
    assert missing.returncode == 2
    assert "No se pudo abrir el archivo no-such-file.csv" in missing.stderr


def test_every_subcommand_has_help(tmp_path):
    for args in (["import", "--help"], ["export", "--help"], ["demo", "--help"]):
        proc = siee(tmp_path, *args)
        assert proc.returncode == 0
        assert proc.stdout.startswith(f"usage: siee {args[0]}")
    bad = siee(tmp_path, "demo", "--people", "5", "--territory", "00000")
    assert bad.returncode == 2
    assert "territorio desconocido: '00000'" in bad.stderr
