"""`siee match ...` through a real subprocess on a fresh SQLite database with the demo population."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

COMPONENTS = {"occupation", "skills", "experience", "education", "location", "wage", "hours", "preferences"}


def siee(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SIEE_DATABASE_URL": f"sqlite:///{db}", "SIEE_REFERENCE_DIR": ""}
    return subprocess.run([sys.executable, "-m", "siee.cli", *args], capture_output=True, text=True, env=env,
                          timeout=600)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("match-cli") / "siee.sqlite3"
    proc = siee(db, "demo", "--people", "300", "--vacancies", "20", "--seed", "5")
    assert proc.returncode == 0, proc.stderr
    return db


def query(db: Path, sql: str):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_match_vacancy_json(demo_db):
    vid = query(demo_db, "SELECT id FROM employers_vacancy WHERE status = 'open' ORDER BY id LIMIT 1")[0][0]
    proc = siee(demo_db, "match", "vacancy", str(vid), "--top", "10", "--explain", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    scores = [x["score"] for x in data]
    assert len(data) == 10
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    for item in data:
        assert set(item) == {"id", "score", "label", "explanation"}
        assert set(item["explanation"]["components"]) == COMPONENTS
        assert item["explanation"]["score"] == pytest.approx(item["score"], abs=1e-4)
    eligible = {r[0] for r in query(demo_db, """
        SELECT p.id FROM people_person p WHERE p.status = 'active' AND p.availability != 'not_available'
        AND EXISTS (SELECT 1 FROM people_consent c WHERE c.person_id = p.id AND c.revoked_at IS NULL)""")}
    assert {x["id"] for x in data} <= eligible


def test_match_vacancy_text_and_paging(demo_db):
    vid = query(demo_db, "SELECT id FROM employers_vacancy WHERE status = 'open' ORDER BY id LIMIT 1")[0][0]
    first = json.loads(siee(demo_db, "match", "vacancy", str(vid), "--top", "4", "--json").stdout)
    second = json.loads(siee(demo_db, "match", "vacancy", str(vid), "--top", "2", "--offset", "2", "--json").stdout)
    assert [x["id"] for x in second] == [x["id"] for x in first[2:]]
    text = siee(demo_db, "match", "vacancy", str(vid), "--top", "3", "--explain")
    assert text.returncode == 0
    assert "Ocupación:" in text.stdout and text.stdout.strip().splitlines()[-1].startswith("Elegibles: ")


def test_match_person_json_and_unknown_ids(demo_db):
    pid = query(demo_db, """SELECT p.id FROM people_person p JOIN people_consent c ON c.person_id = p.id
                            WHERE c.revoked_at IS NULL ORDER BY p.id LIMIT 1""")[0][0]
    proc = siee(demo_db, "match", "person", str(pid), "--top", "5", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    open_ids = {r[0] for r in query(demo_db, "SELECT id FROM employers_vacancy WHERE status = 'open'")}
    assert 1 <= len(data) <= 5 and {x["id"] for x in data} <= open_ids
    bad = siee(demo_db, "match", "vacancy", "999999", "--json")
    assert bad.returncode == 2 and "Vacante no encontrada: 999999" in bad.stderr


def test_outsider_user_is_refused(demo_db):
    created = siee(demo_db, "org", "create", "Agencia Cali CLI", "--territory", "76001")
    assert created.returncode == 0, created.stderr
    user = siee(demo_db, "user", "create", "cali_cli", "--password", "clave-larga-2026", "--role", "counsellor",
                "--organization", "Agencia Cali CLI")
    assert user.returncode == 0, user.stderr
    vid = query(demo_db, "SELECT id FROM employers_vacancy ORDER BY id LIMIT 1")[0][0]
    proc = siee(demo_db, "match", "vacancy", str(vid), "--as", "cali_cli", "--json")
    assert proc.returncode == 2 and "Vacante no encontrada" in proc.stderr


def test_weights_show_set_and_batch(demo_db):
    bad = siee(demo_db, "match", "weights", "set", "skills=-1")
    assert bad.returncode == 1 and "peso 'skills': no puede ser negativo" in bad.stderr
    ok = siee(demo_db, "match", "weights", "set", "skills=0.4", "location=0.15")
    assert ok.returncode == 0 and ok.stdout.startswith("Pesos v1 guardados")
    shown = json.loads(siee(demo_db, "match", "weights", "show", "--json").stdout)
    assert shown["version"] == 1 and shown["weights"]["skills"] == 0.4 and shown["weights"]["location"] == 0.15
    batch = siee(demo_db, "match", "batch", "--territory", "68001", "--top", "5")
    assert batch.returncode == 0, batch.stderr
    n_open = query(demo_db, """SELECT count(*) FROM employers_vacancy v JOIN core_territory t ON t.id = v.municipality_id
                               WHERE v.status = 'open' AND t.code = '68001'
                               AND (v.closing_date IS NULL OR v.closing_date >= date('now'))""")[0][0]
    run = query(demo_db, "SELECT vacancies, results_count, status, weights_version FROM matching_matchrun")
    assert run == [(n_open, query(demo_db, "SELECT count(*) FROM matching_matchresult")[0][0], "done", 1)]
