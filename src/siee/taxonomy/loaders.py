"""Taxonomy loaders: ISCO-08 groups, occupations, skills, occupation→skill links, sectors, education levels.

Two sources for occupations and skills:

* ESCO v1.0.3 in Spanish, from ``<source_dir>/esco`` (see that folder's README): 619 ISCO groups,
  2,942 occupations, 13,485 skills and 114,549 occupation→skill relations (59,728 essential, 54,821 optional;
  14 pairs are listed both as essential and as optional, as in ESCO, and both rows are kept: the unique key
  of ``OccupationSkill`` is (occupation, skill, essential)). ``source="esco"``.
* the built-in starter set in ``siee/taxonomy/starter/`` (about 150 occupations common in Latin American
  public employment services, their skills and the ISCO-08 groups they need), ``source="starter"``,
  URIs ``urn:siee:occupation:<slug>`` / ``urn:siee:skill:<slug>``.

Sectors (ISIC Rev.4 / CIIU sections and divisions) and education levels (ISCED 2011 with national names) are
always loaded from the built-in files (``sectors.csv``, ``education_levels.json``).

Every load is an idempotent upsert by natural key (``uri`` or ``code``) in one transaction. The links of the
occupations being loaded are made equal to the files' (stale links deleted, new ones created). Loading ESCO over a starter-loaded database keeps the
starter concepts (records may point at them); both are then searchable.

Starter file formats (UTF-8 CSV, ``|`` separates values inside a cell):

* ``isco_groups.csv``: ``code,label`` (1 to 4 digits; the parent is the code without its last digit);
* ``skills.csv``: ``slug,type,label,alt_labels`` (type ``skill`` or ``knowledge``);
* ``occupations.csv``: ``slug,isco,label,alt_labels,essential,optional`` (the last two are skill slugs).
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

from django.db import connection, transaction

from siee.taxonomy.models import (
    EducationLevel,
    IscoGroup,
    Occupation,
    OccupationSkill,
    Sector,
    Skill,
    SkillType,
)

STARTER_DIR = Path(__file__).resolve().parent / "starter"
BATCH = 2000
OCCUPATION_URN = "urn:siee:occupation:"
SKILL_URN = "urn:siee:skill:"


def _read_csv(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _lines(value: str | None) -> list[str]:
    """ESCO multi-valued cell (LF-separated) → clean list without duplicates, order kept."""
    seen: dict[str, None] = {}
    for part in (value or "").replace("\r", "\n").split("\n"):
        part = " ".join(part.split())
        if part:
            seen.setdefault(part, None)
    return list(seen)


def _pipes(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split("|") if p.strip()]


class _Progress:
    def __init__(self, enabled: bool, total: int, desc: str):
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=desc, unit="pasos")

    def step(self, label: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(label)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# --- built-in reference: sectors and education levels ------------------------------------------------------

def load_sectors() -> int:
    rows = _read_csv(STARTER_DIR / "sectors.csv")
    objs = [
        Sector(code=r["code"], label=r["label"], level=1 if r["code"].isalpha() else 2, section=r["section"])
        for r in rows
    ]
    Sector.objects.bulk_create(objs, update_conflicts=True, unique_fields=["code"],
                               update_fields=["label", "level", "section"], batch_size=BATCH)
    return len(objs)


def load_education_levels() -> int:
    data = json.loads((STARTER_DIR / "education_levels.json").read_text(encoding="utf-8"))
    objs = [
        EducationLevel(code=r["code"], label=r["label"], rank=r["rank"], national_names=r["national_names"])
        for r in data["levels"]
    ]
    EducationLevel.objects.bulk_create(objs, update_conflicts=True, unique_fields=["code"],
                                       update_fields=["label", "rank", "national_names"], batch_size=BATCH)
    return len(objs)


# --- shared upserts ----------------------------------------------------------------------------------------

def _upsert_isco_groups(rows: list[tuple[str, str]]) -> int:
    objs = [IscoGroup(code=code, label=label, level=len(code)) for code, label in rows]
    IscoGroup.objects.bulk_create(objs, update_conflicts=True, unique_fields=["code"],
                                  update_fields=["label", "level"], batch_size=BATCH)
    ids = dict(IscoGroup.objects.values_list("code", "pk"))
    to_fix = []
    for group in IscoGroup.objects.filter(code__in=[c for c, _ in rows]).only("pk", "code", "parent_id"):
        parent_id = ids.get(group.code[:-1]) if len(group.code) > 1 else None
        if group.parent_id != parent_id:
            group.parent_id = parent_id
            to_fix.append(group)
    IscoGroup.objects.bulk_update(to_fix, ["parent"], batch_size=BATCH)
    return len(objs)


def _upsert_occupations(objs: list[Occupation]) -> None:
    Occupation.objects.bulk_create(
        objs, update_conflicts=True, unique_fields=["uri"],
        update_fields=["isco_code", "label", "alt_labels", "parent_uri", "source"], batch_size=BATCH,
    )


def _upsert_skills(objs: list[Skill]) -> None:
    Skill.objects.bulk_create(
        objs, update_conflicts=True, unique_fields=["uri"],
        update_fields=["label", "alt_labels", "skill_type", "reuse_level", "source"], batch_size=BATCH,
    )


def _insert_links(rows: list[tuple[int, int, bool]]) -> None:
    """Insert links fast: COPY on PostgreSQL, multi-row parameterised INSERTs elsewhere (SQLite). ESCO's 114,549
    links take about 1 s either way, against about 10 s through ``bulk_create`` (a model instance per row)."""
    qn = connection.ops.quote_name
    table, columns = qn(OccupationSkill._meta.db_table), f"({qn('occupation_id')}, {qn('skill_id')}, {qn('essential')})"
    with connection.cursor() as cursor:
        raw = getattr(cursor, "cursor", None)
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):  # psycopg 3
            with raw.copy(f"COPY {table} {columns} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        batch = max(1, min(1000, (connection.features.max_query_params or 999) // 3))
        for i in range(0, len(rows), batch):
            chunk = rows[i:i + batch]
            cursor.execute(f"INSERT INTO {table} {columns} VALUES " + ", ".join(["(%s, %s, %s)"] * len(chunk)),
                           [v for row in chunk for v in row])


def _replace_links(source: str, links: list[tuple[str, str, bool]]) -> dict:
    """Make the links of the occupations of ``source`` exactly ``links`` (occupation uri, skill uri, essential).

    Only the difference is written: links no longer listed are deleted, new ones created, so a re-load of
    unchanged files writes nothing.
    """
    occ_ids = dict(Occupation.objects.filter(source=source).values_list("uri", "pk"))
    skill_ids = dict(Skill.objects.values_list("uri", "pk"))
    wanted = {(occ_ids[o], skill_ids[s], essential) for o, s, essential in links}
    existing = {
        (o, s, e): pk for pk, o, s, e in OccupationSkill.objects.filter(occupation__source=source)
        .values_list("pk", "occupation_id", "skill_id", "essential").iterator(chunk_size=20000)
    }
    stale = [pk for key, pk in existing.items() if key not in wanted]
    for i in range(0, len(stale), 5000):
        OccupationSkill.objects.filter(pk__in=stale[i:i + 5000]).delete()
    _insert_links(sorted(wanted - existing.keys()))
    essential = sum(1 for key in wanted if key[2])
    return {"relations": len(wanted), "essential": essential, "optional": len(wanted) - essential}


# --- ESCO --------------------------------------------------------------------------------------------------

def _load_esco(esco_dir: Path, progress: _Progress) -> dict:
    for name in ("ISCOGroups_es.csv", "occupations_es.csv", "skills_es.csv", "broaderRelationsOccPillar.csv",
                 "occupation_skill_relations.csv.gz"):
        if not (esco_dir / name).is_file():
            raise FileNotFoundError(f"missing ESCO file {esco_dir / name}")

    groups = [(r["code"].strip(), r["preferredLabel"].strip()) for r in _read_csv(esco_dir / "ISCOGroups_es.csv")]
    n_groups = _upsert_isco_groups(groups)
    progress.step("grupos CIUO")

    parents = {
        r["conceptUri"]: r["broaderUri"]
        for r in _read_csv(esco_dir / "broaderRelationsOccPillar.csv")
        if r["conceptType"] == "Occupation" and r["broaderType"] == "Occupation"
    }
    occupations = [
        Occupation(uri=r["conceptUri"], isco_code=r["iscoGroup"].strip(), label=" ".join(r["preferredLabel"].split()),
                   alt_labels="\n".join(_lines(r["altLabels"])), parent_uri=parents.get(r["conceptUri"], ""),
                   source="esco")
        for r in _read_csv(esco_dir / "occupations_es.csv")
    ]
    _upsert_occupations(occupations)
    progress.step("ocupaciones")

    skills = [
        Skill(uri=r["conceptUri"], label=" ".join(r["preferredLabel"].split()),
              alt_labels="\n".join(_lines(r["altLabels"])),
              skill_type=SkillType.KNOWLEDGE if "knowledge" in r["skillType"].split() else SkillType.SKILL,
              reuse_level=r["reuseLevel"].strip(), source="esco")
        for r in _read_csv(esco_dir / "skills_es.csv")
    ]
    _upsert_skills(skills)
    progress.step("habilidades")

    links = [
        (r["occupationUri"], r["skillUri"], r["relationType"] == "essential")
        for r in _read_csv(esco_dir / "occupation_skill_relations.csv.gz")
    ]
    counts = _replace_links("esco", links)
    progress.step("relaciones")
    return {"isco_groups": n_groups, "occupations": len(occupations), "skills": len(skills), **counts}


# --- starter set -------------------------------------------------------------------------------------------

def starter_rows() -> tuple[list[dict], list[dict], list[dict]]:
    """The starter files as rows: (isco groups, skills, occupations). Used by the loader and the tests."""
    return (_read_csv(STARTER_DIR / "isco_groups.csv"), _read_csv(STARTER_DIR / "skills.csv"),
            _read_csv(STARTER_DIR / "occupations.csv"))


def _load_starter(progress: _Progress) -> dict:
    group_rows, skill_rows, occ_rows = starter_rows()
    n_groups = _upsert_isco_groups([(r["code"].strip(), r["label"].strip()) for r in group_rows])
    progress.step("grupos CIUO")

    skills = [
        Skill(uri=SKILL_URN + r["slug"], label=r["label"].strip(), alt_labels="\n".join(_pipes(r["alt_labels"])),
              skill_type=SkillType.KNOWLEDGE if r["type"] == "knowledge" else SkillType.SKILL,
              reuse_level="", source="starter")
        for r in skill_rows
    ]
    _upsert_skills(skills)
    progress.step("habilidades")

    occupations = [
        Occupation(uri=OCCUPATION_URN + r["slug"], isco_code=r["isco"].strip(), label=r["label"].strip(),
                   alt_labels="\n".join(_pipes(r["alt_labels"])), parent_uri="", source="starter")
        for r in occ_rows
    ]
    _upsert_occupations(occupations)
    progress.step("ocupaciones")

    links = []
    for r in occ_rows:
        for column, essential in (("essential", True), ("optional", False)):
            links.extend((OCCUPATION_URN + r["slug"], SKILL_URN + slug, essential) for slug in _pipes(r[column]))
    counts = _replace_links("starter", links)
    progress.step("relaciones")
    return {"isco_groups": n_groups, "occupations": len(occupations), "skills": len(skills), **counts}


def load_taxonomy(*, source_dir: Path | None, progress: bool = False) -> dict:
    """Load or refresh the taxonomy; returns counts.

    With ``source_dir`` (the folder that contains ``esco/``) ESCO is loaded, otherwise the starter set.
    Sectors and education levels come from the built-in files either way. Result keys: ``source``
    (``"esco"``/``"starter"``), ``isco_groups``, ``occupations``, ``skills``, ``relations``, ``essential``,
    ``optional``, ``sectors``, ``education_levels``.
    """
    from siee.taxonomy.search import invalidate_search_index

    bar = _Progress(progress, 6, "taxonomía")
    try:
        with transaction.atomic():
            counts = {"sectors": load_sectors()}
            bar.step("sectores")
            counts["education_levels"] = load_education_levels()
            bar.step("niveles educativos")
            if source_dir is not None:
                counts.update(_load_esco(Path(source_dir) / "esco", bar), source="esco")
            else:
                counts.update(_load_starter(bar), source="starter")
    finally:
        bar.close()
        invalidate_search_index()
    return counts
