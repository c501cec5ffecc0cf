"""Django adapter of the free-text classifier (``siee.matching.classifier``): builds it from the database.

Public functions (used by the CLI, the API and the web UI's suggestions as the officer types)::

    classify_occupation("se necesita auxiliar de bodega con moto", top=5)
    → [{"code": ESCO URI, "isco": "9333", "label": "mozo de almacén/moza de almacén", "score": 0.85, "id": 812}, ...]
    classify_occupations(["ayudante de cocina", ""], top=5)   # batch, one list per text ([] for empty text)
    classify_skills("manejo de montacargas", top=10)
    → [{"code": skill URI, "label": ..., "score": ..., "id": ..., "matched_label": ...}, ...]

The classifier is cached per process, keyed by the taxonomy version: highest occupation and skill ids
(checked before every call, one cheap query) and the counts of occupations, skills, ISCO groups and
essential links (checked at most every ``COUNT_CHECK_SECONDS``). Nothing is shared between processes.
"""

from __future__ import annotations

import threading
import time

from siee.matching.classifier import OccupationClassifier, OccupationEntry, SkillEntry

COUNT_CHECK_SECONDS = 30.0
MAX_TOP = 50

_lock = threading.Lock()
_cache: dict[str, tuple[tuple, float, OccupationClassifier]] = {}


def _max_ids() -> tuple:
    from django.db import connection

    from siee.taxonomy.models import Occupation, Skill

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT MAX(id) FROM {Occupation._meta.db_table}), "
                       f"(SELECT MAX(id) FROM {Skill._meta.db_table})")
        return tuple(cursor.fetchone())


def _counts() -> tuple:
    from django.db import connection

    from siee.taxonomy.models import IscoGroup, Occupation, OccupationSkill, Skill

    tables = [m._meta.db_table for m in (Occupation, Skill, IscoGroup, OccupationSkill)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {t})" for t in tables))
        return tuple(cursor.fetchone())


def build_classifier(version: tuple | None = None) -> OccupationClassifier:
    """A classifier over every occupation, ISCO unit group and skill in the database."""
    from siee.taxonomy.models import IscoGroup, Occupation, OccupationSkill, Skill

    essential: dict[int, list[str]] = {}
    for occ_id, skill_uri in OccupationSkill.objects.filter(essential=True).values_list(
            "occupation_id", "skill__uri").iterator(chunk_size=10000):
        essential.setdefault(occ_id, []).append(skill_uri)
    occupations = [
        OccupationEntry(uri=uri, isco=isco, label=label, alt_labels=tuple((alts or "").split("\n")), id=pk,
                        essential_skills=tuple(essential.get(pk, ())))
        for pk, uri, isco, label, alts in Occupation.objects.order_by("pk").values_list(
            "pk", "uri", "isco_code", "label", "alt_labels").iterator(chunk_size=5000)
    ]
    groups = dict(IscoGroup.objects.filter(level=4).values_list("code", "label"))
    skills = [
        SkillEntry(uri=uri, label=label, alt_labels=tuple((alts or "").split("\n")), id=pk)
        for pk, uri, label, alts in Skill.objects.order_by("pk").values_list(
            "pk", "uri", "label", "alt_labels").iterator(chunk_size=5000)
    ]
    return OccupationClassifier(occupations, groups, skills, version=version)


def invalidate_classifier() -> None:
    with _lock:
        _cache.clear()


def get_classifier() -> OccupationClassifier:
    """This process's classifier, rebuilt when the taxonomy changed (see the module docstring)."""
    max_ids = _max_ids()
    entry = _cache.get("clf")
    if entry is not None and entry[0][:2] == max_ids:
        if time.monotonic() - entry[1] < COUNT_CHECK_SECONDS:
            return entry[2]
        if entry[0][2:] == _counts():
            _cache["clf"] = (entry[0], time.monotonic(), entry[2])
            return entry[2]
    with _lock:
        key = (*_max_ids(), *_counts())
        entry = _cache.get("clf")
        if entry is None or entry[0] != key:
            entry = (key, time.monotonic(), build_classifier(key))
        else:
            entry = (key, time.monotonic(), entry[2])
        _cache["clf"] = entry
    return entry[2]


def _public(result: dict) -> dict:
    return {"code": result["code"], "isco": result["isco"], "label": result["label"], "score": result["score"],
            "id": result["id"]}


def _bounded(top: int) -> int:
    return max(0, min(int(top), MAX_TOP))


def classify_occupation(text: str, top: int = 5) -> list[dict]:
    """Occupations for a free text (a job title, "trabajé de mesero", or a whole vacancy description), best
    first: ``{"code": ESCO occupation URI, "isco": 4-digit ISCO-08, "label", "score": 0..1, "id"}``.
    Empty or blank text → ``[]``."""
    if not text or not text.strip():
        return []
    return [_public(r) for r in get_classifier().classify(text, top=_bounded(top))]


def classify_occupations(texts: list[str], top: int = 5) -> list[list[dict]]:
    """Batch form of ``classify_occupation``: one list per text, in order (vectorised)."""
    if not texts:
        return []
    clf = get_classifier()
    return [[_public(r) for r in results] for results in clf.classify_batch(list(texts), top=_bounded(top))]


def classify_skills(text: str, top: int = 10) -> list[dict]:
    """Skills named in a free text: ``{"code": skill URI, "label", "score", "id", "matched_label"}``."""
    if not text or not text.strip():
        return []
    return get_classifier().classify_skills(text, top=_bounded(top))
