"""Django adapter, API and CLI of the free-text classifier, against the built-in starter taxonomy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from factories import Api, actors, fast_passwords  # noqa: F401
from siee.cli import build_parser

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("starter_only")]
OCC = "urn:siee:occupation:"


def pk(slug: str) -> int:
    from siee.taxonomy.models import Occupation

    return Occupation.objects.get(uri=OCC + slug).pk


def test_classify_occupation_on_the_starter_set():
    from siee.matching.classifier_django import classify_occupation

    [hit] = classify_occupation("ayudante de cosina", top=1)
    assert hit == {"code": OCC + "ayudante-de-cocina", "isco": "9412", "label": "ayudante de cocina", "score": 1.0,
                   "id": pk("ayudante-de-cocina")}
    assert classify_occupation("trabajé de mesero", top=1)[0]["label"] == "mesero/mesera"
    assert classify_occupation("se necesita auxiliar de bodega con moto", top=1)[0]["code"] == OCC + "auxiliar-de-bodega"
    assert classify_occupation("soldador mig tig con experiencia", top=1)[0]["code"] == OCC + "soldador"
    assert classify_occupation("", top=5) == []
    assert len(classify_occupation("cocinero", top=500)) <= 50


def test_long_vacancy_description_on_the_starter_set():
    from siee.matching.classifier_django import classify_occupation

    text = ("Restaurante de comida típica en Bucaramanga busca MESERA con experiencia en atención al cliente y "
            "servicio a la mesa. Turnos rotativos, fines de semana y festivos. Pago quincenal más propinas. "
            "Interesadas enviar hoja de vida por WhatsApp.")
    assert classify_occupation(text, top=1)[0]["code"] == OCC + "mesero"


def test_classify_skills_and_batch():
    from siee.matching.classifier_django import classify_occupations, classify_skills, get_classifier

    labels = [s["label"] for s in classify_skills("Manejo de montacargas y control de inventarios", top=5)]
    assert labels == ["manejo de inventarios", "operación de montacargas"]
    batch = classify_occupations(["cocinera", "", "vigilante"], top=2)
    assert [[r["code"] for r in results] [:1] for results in batch] == [[OCC + "cocinero"], [], [OCC + "guarda-de-seguridad"]]
    assert get_classifier() is get_classifier()  # cached per process


def test_classifier_is_rebuilt_when_the_taxonomy_changes():
    from siee.matching.classifier_django import classify_occupation, get_classifier
    from siee.taxonomy.models import Occupation

    before = get_classifier()
    Occupation.objects.create(uri="urn:test:occupation:apicultor", isco_code="6123", label="apicultor/apicultora",
                              alt_labels="criador de abejas", source="starter")
    assert get_classifier() is not before
    assert classify_occupation("criador de abejas", top=1)[0]["code"] == "urn:test:occupation:apicultor"


def test_api(actors):  # noqa: F811
    api = Api(actors.counsellor)
    r = api.get("/classify/occupation", text="ayudante de cocina", top=1)
    assert r.status_code == 200
    assert r.json() == [{"code": OCC + "ayudante-de-cocina", "isco": "9412", "label": "ayudante de cocina",
                         "score": 1.0, "id": pk("ayudante-de-cocina")}]
    r = api.post("/classify/occupation/batch", {"texts": ["cocinero", ""], "top": 1})
    assert r.status_code == 200
    assert [[x["code"] for x in results] for results in r.json()["results"]] == [[OCC + "cocinero"], []]
    r = api.get("/classify/skills", text="operación de montacargas")
    assert r.status_code == 200 and [s["label"] for s in r.json()] == ["operación de montacargas"]
    assert api.post("/classify/occupation/batch", {"texts": ["x"] * 201}).status_code == 422
    too_long = api.post("/classify/occupation/batch", {"texts": ["cocinero " * 500] * 10})
    assert (too_long.status_code, too_long.json()["code"]) == (422, "invalid")
    assert api.get("/classify/occupation", text="cocinero", top=0).status_code == 422
    assert api.get("/classify/occupation").status_code == 422
    assert Api(None).get("/classify/occupation", text="cocinero").status_code == 401


def test_cli_single_text(monkeypatch, capsys):
    monkeypatch.setattr("siee.cli.ensure_database", lambda **kwargs: None)
    args = build_parser().parse_args(["classify", "occupation", "cosinero", "--top", "2", "--json"])
    assert args.func(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["label"] for r in out][:1] == ["cocinero/cocinera"] and set(out[0]) == {"code", "isco", "label", "score"}
    args = build_parser().parse_args(["classify", "occupation", "cosinero"])
    assert args.func(args) == 0
    assert "cocinero/cocinera" in capsys.readouterr().out.splitlines()[1]
    args = build_parser().parse_args(["classify", "occupation"])  # neither text nor file
    assert args.func(args) == 2


def test_cli_file_json_lines_on_a_fresh_database(tmp_path: Path):
    texts = tmp_path / "t.txt"
    texts.write_text("ayudante de cocina\n\nsoldador mig tig con experiencia\nauxiliar de bodega con moto\n",
                     encoding="utf-8")
    env = {**os.environ, "SIEE_DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}", "SIEE_REFERENCE_DIR": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.run([sys.executable, "-m", "siee.cli", "classify", "occupation", "--file", str(texts), "--top", "3",
                           "--json"], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 4
    results = [json.loads(line) for line in lines]
    assert results[1] == []
    assert [r[0]["code"] for r in (results[0], results[2], results[3])] == [
        OCC + "ayudante-de-cocina", OCC + "soldador", OCC + "auxiliar-de-bodega"]
    for r in (results[0], results[2], results[3]):
        assert 1 <= len(r) <= 3 and all(set(x) == {"code", "isco", "label", "score"} for x in r)
        assert all(0 <= x["score"] <= 1 for x in r)
    missing = subprocess.run([sys.executable, "-m", "siee.cli", "classify", "occupation", "--file",
                              str(tmp_path / "none.txt"), "--json"], capture_output=True, text=True, env=env, timeout=600)
    assert missing.returncode == 2 and missing.stdout == ""
