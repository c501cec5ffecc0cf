"""Taxonomy API under /api/v1/taxonomy/: search, occupation detail, territories, sectors, education levels."""

from __future__ import annotations

import pytest

from factories import Api
from siee.taxonomy.models import Occupation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("starter_only")]


def test_search_returns_concept_hits(actors):
    r = Api(actors.counsellor).get("/taxonomy/search", q="ayudante de cosina", kind="occupation", limit=2)
    assert r.status_code == 200
    body = r.json()
    helper = Occupation.objects.get(uri="urn:siee:occupation:ayudante-de-cocina")
    assert len(body) == 2
    assert body[0] == {"kind": "occupation", "id": helper.pk, "uri": helper.uri, "label": "ayudante de cocina",
                       "matched_label": "ayudante de cocina", "isco": "9412", "score": body[0]["score"]}
    assert 0.9 < body[0]["score"] < 1.0


def test_search_validates_parameters(actors):
    api = Api(actors.counsellor)
    assert api.get("/taxonomy/search", q="excel", kind="vacancy").status_code == 422
    assert api.get("/taxonomy/search", q="excel", limit=0).status_code == 422
    assert api.get("/taxonomy/search").status_code == 422
    assert api.get("/taxonomy/search", q="excel avanzado", kind="skill", limit=1).json()[0]["label"] == "Microsoft Excel"


def test_taxonomy_requires_authentication(actors):
    assert Api(None).get("/taxonomy/search", q="cocinero").status_code == 401
    assert Api(None).get("/taxonomy/territories").status_code == 401


def test_occupation_detail_lists_essential_and_optional_skills(actors):
    welder = Occupation.objects.get(uri="urn:siee:occupation:soldador")
    r = Api(actors.outsider).get(f"/taxonomy/occupations/{welder.pk}")
    assert r.status_code == 200
    body = r.json()
    assert (body["label"], body["isco_code"], body["isco_label"], body["source"]) == (
        "soldador/soldadora", "7212", "Soldadores y oxicortadores", "starter")
    assert "soldador MIG" in body["alt_labels"]
    assert sorted(s["label"] for s in body["essential_skills"]) == [
        "lectura e interpretación de planos", "metrología e instrumentos de medición", "seguridad industrial",
        "soldadura MIG/TIG", "soldadura por arco eléctrico (SMAW)"]
    assert sorted(s["uri"] for s in body["optional_skills"]) == [
        "urn:siee:skill:estructuras-metalicas", "urn:siee:skill:oxicorte", "urn:siee:skill:trabajo-en-alturas"]
    assert Api(actors.outsider).get("/taxonomy/occupations/999999999").status_code == 404


def test_territories_filters(actors):
    api = Api(actors.counsellor)
    departments = api.get("/taxonomy/territories", country="CO", level=1).json()
    assert len(departments) == 33 and {d["parent_code"] for d in departments} == {"CO"}
    santander = api.get("/taxonomy/territories", country="CO", parent="68").json()
    codes = [t["code"] for t in santander]
    assert {"68001", "68276", "68307", "68547"} <= set(codes) and all(c.startswith("68") for c in codes)
    assert codes == sorted(codes) and {t["level"] for t in santander} == {2}
    assert [t["code"] for t in api.get("/taxonomy/territories", parent="CO-68", q="giron").json()] == ["68307"]
    bogota = api.get("/taxonomy/territories", country="CO", q="BOGOTA").json()
    assert [(t["code"], t["level"]) for t in bogota] == [("11", 1), ("11001", 2)]
    assert api.get("/taxonomy/territories", country="CL", parent="99").json() == []
    assert len(api.get("/taxonomy/territories", country="PE", level=1, limit=5).json()) == 5


def test_sectors_and_education_levels(actors):
    api = Api(actors.counsellor)
    sectors = api.get("/taxonomy/sectors").json()
    assert len(sectors) == 109 and sectors[0]["code"] == "A" and sectors[1]["code"] == "01"
    assert len(api.get("/taxonomy/sectors", level=1).json()) == 21
    levels = api.get("/taxonomy/education-levels").json()
    assert [lv["code"] for lv in levels] == ["N", "0", "1", "2", "3", "4", "5", "6", "7", "8"]
    assert levels[4]["national_names"]["CO"] == "Bachillerato (media)"
