"""Taxonomy loaders: the starter set (exact counts from its files), idempotency, and full ESCO."""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter

import pytest

from siee.taxonomy.loaders import STARTER_DIR, load_taxonomy, starter_rows
from siee.taxonomy.models import EducationLevel, IscoGroup, Occupation, OccupationSkill, Sector, Skill
from siee.taxonomy.search import search_concepts

pytestmark = pytest.mark.django_db


def _starter_expected() -> dict:
    groups, skills, occupations = starter_rows()
    essential = sum(len([s for s in r["essential"].split("|") if s]) for r in occupations)
    optional = sum(len([s for s in r["optional"].split("|") if s]) for r in occupations)
    return {"isco_groups": len(groups), "skills": len(skills), "occupations": len(occupations),
            "relations": essential + optional, "essential": essential, "optional": optional}


def test_starter_files_are_consistent():
    groups, skills, occupations = starter_rows()
    codes = {g["code"] for g in groups}
    slugs = {s["slug"] for s in skills}
    assert len(codes) == len(groups) and len(slugs) == len(skills)
    assert len({o["slug"] for o in occupations}) == len(occupations)
    for o in occupations:
        assert all(o["isco"][:n] in codes for n in (1, 2, 3, 4)), o["slug"]
        essential = o["essential"].split("|")
        assert 3 <= len(essential) <= 7, o["slug"]
        assert set(essential + o["optional"].split("|")) <= slugs, o["slug"]
    assert 150 <= len(occupations) <= 200 and 150 <= len(skills) <= 300


def test_starter_load_counts_match_the_files():
    expected = _starter_expected()
    counts = load_taxonomy(source_dir=None)
    assert counts == {**expected, "source": "starter", "sectors": 109, "education_levels": 10}
    assert Occupation.objects.filter(source="starter").count() == expected["occupations"]
    assert Skill.objects.filter(source="starter").count() == expected["skills"]
    assert OccupationSkill.objects.filter(occupation__source="starter").count() == expected["relations"]
    assert OccupationSkill.objects.filter(occupation__source="starter", essential=True).count() == expected["essential"]


def test_loading_the_starter_set_twice_changes_nothing():
    load_taxonomy(source_dir=None)
    before = (Occupation.objects.count(), Skill.objects.count(), OccupationSkill.objects.count(),
              IscoGroup.objects.count(), Sector.objects.count(), EducationLevel.objects.count())
    ids = dict(Occupation.objects.values_list("uri", "pk"))
    again = load_taxonomy(source_dir=None)
    after = (Occupation.objects.count(), Skill.objects.count(), OccupationSkill.objects.count(),
             IscoGroup.objects.count(), Sector.objects.count(), EducationLevel.objects.count())
    assert again["occupations"] == before[0] - Occupation.objects.exclude(source="starter").count()
    assert after == before
    assert dict(Occupation.objects.values_list("uri", "pk")) == ids  # upsert keeps ids


def test_starter_occupation_has_its_labels_isco_and_skills():
    load_taxonomy(source_dir=None)
    cook = Occupation.objects.get(uri="urn:siee:occupation:cocinero")
    assert (cook.label, cook.isco_code, cook.source) == ("cocinero/cocinera", "5120", "starter")
    assert "chef de partida" in cook.alt_labels.split("\n")
    essential = set(cook.skill_links.filter(essential=True).values_list("skill__uri", flat=True))
    assert essential == {f"urn:siee:skill:{s}" for s in (
        "manipulacion-de-alimentos", "preparacion-de-alimentos", "tecnicas-de-coccion",
        "buenas-practicas-de-manufactura", "control-de-porciones")}


def test_isco_groups_form_a_hierarchy():
    load_taxonomy(source_dir=None)
    unit = IscoGroup.objects.select_related("parent__parent__parent").get(code="5120")
    assert [unit.level, unit.parent.code, unit.parent.parent.code, unit.parent.parent.parent.code] == [4, "512", "51", "5"]
    assert unit.parent.parent.parent.parent_id is None
    assert IscoGroup.objects.filter(level=1).count() == 10
    assert IscoGroup.objects.filter(level=2).count() == 43


def test_sectors_are_isic_sections_and_divisions():
    assert Sector.objects.filter(level=1).count() == 21
    assert Sector.objects.filter(level=2).count() == 88
    assert list(Sector.objects.filter(level=1).order_by("code").values_list("code", flat=True)) == list("ABCDEFGHIJKLMNOPQRSTU")
    assert Sector.objects.get(code="56").section == "I"
    assert Sector.objects.get(code="A").label == "Agricultura, ganadería, caza, silvicultura y pesca"


def test_education_levels_have_national_names_for_the_four_countries():
    data = json.loads((STARTER_DIR / "education_levels.json").read_text(encoding="utf-8"))
    assert [lv["code"] for lv in data["levels"]] == ["N", "0", "1", "2", "3", "4", "5", "6", "7", "8"]
    levels = list(EducationLevel.objects.order_by("rank"))
    assert [lv.rank for lv in levels] == list(range(10))
    assert all(set(lv.national_names) == {"CO", "CL", "EC", "PE"} for lv in levels)
    assert EducationLevel.objects.get(code="1").name_for("CO") == "Básica primaria"
    assert EducationLevel.objects.get(code="8").name_for("PE") == "Doctorado"


def test_full_esco_load(reference_dir, fresh_search_index):
    esco = reference_dir / "esco"
    with gzip.open(esco / "occupation_skill_relations.csv.gz", "rt", encoding="utf-8") as fh:
        relations = list(csv.DictReader(fh))
    types = Counter(r["relationType"] for r in relations)
    pairs = Counter((r["occupationUri"], r["skillUri"]) for r in relations)

    load_taxonomy(source_dir=None)  # a database that started with the starter set
    counts = load_taxonomy(source_dir=reference_dir)

    assert counts == {"source": "esco", "isco_groups": 619, "occupations": 2942, "skills": 13485,
                      "relations": 114549, "essential": 59728, "optional": 54821,
                      "sectors": 109, "education_levels": 10}
    assert (types["essential"], types["optional"]) == (59728, 54821)
    assert sum(1 for n in pairs.values() if n == 2) == 14  # listed as essential and optional: both kept
    assert Occupation.objects.filter(source="esco").count() == 2942
    assert Skill.objects.filter(source="esco").count() == 13485
    assert OccupationSkill.objects.filter(occupation__source="esco").count() == 114549
    assert list(IscoGroup.objects.filter(code__in=["0", "01", "011", "0110"]).order_by("code")
                .values_list("level", flat=True)) == [1, 2, 3, 4]
    levels = Counter(IscoGroup.objects.filter(code__regex=r"^[0-9]+$").values_list("level", flat=True))
    assert levels == {1: 10, 2: 43, 3: 130, 4: 436}
    assert Occupation.objects.filter(source="esco").exclude(parent_uri="").count() == 1240
    technical = Occupation.objects.get(uri="http://data.europa.eu/esco/occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34")
    assert (technical.label, technical.isco_code) == ("director técnico/directora técnica", "2166")
    assert "\n" not in technical.label and "director técnico" in technical.alt_labels.split("\n")
    # starter concepts stay (records may point at them)
    assert Occupation.objects.filter(source="starter").count() == _starter_expected()["occupations"]

    # search over the full ESCO index: a typo, folded accents, and an ESCO-only occupation
    top = search_concepts("cosinero", kind="occupation", limit=5)
    assert top[0]["label"] == "cocinero/cocinera" and top[0]["isco"] == "5120"
    hits = search_concepts("soldador de tuberias", kind="occupation", limit=3)
    assert hits[0]["label"] == "soldador de tuberías/soldadora de tuberías"
    assert hits[0]["uri"].startswith("http://data.europa.eu/esco/occupation/")
    # the examples, with Latin American words ESCO's Spain-Spanish labels lack
    excel = [h for h in search_concepts("excel avanzado", kind="skill", limit=5) if h["uri"].startswith("http://data.europa.eu/")]
    assert excel[0]["label"] == "utilizar hojas de cálculo"
    assert search_concepts("ayudante de cosina", kind="occupation", limit=3)[0]["label"] == "ayudante de cocina"
    waiter = [h for h in search_concepts("mesero", kind="occupation", limit=5) if h["uri"].startswith("http://data.europa.eu/")]
    assert waiter[0]["label"] == "camarero/camarera" and waiter[0]["isco"] == "5131"


def test_reload_restores_the_links_of_the_files():
    load_taxonomy(source_dir=None)
    cook = Occupation.objects.get(uri="urn:siee:occupation:cocinero")
    welding = Skill.objects.get(uri="urn:siee:skill:soldadura-mig-tig")
    handling = cook.skill_links.get(skill__uri="urn:siee:skill:manipulacion-de-alimentos")
    OccupationSkill.objects.create(occupation=cook, skill=welding, essential=True)
    handling.delete()
    counts = load_taxonomy(source_dir=None)
    assert counts["relations"] == _starter_expected()["relations"]
    assert not cook.skill_links.filter(skill=welding).exists()
    assert cook.skill_links.filter(skill__uri="urn:siee:skill:manipulacion-de-alimentos", essential=True).exists()
