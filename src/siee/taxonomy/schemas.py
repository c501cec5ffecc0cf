"""Typed schemas of the taxonomy API (concept search, occupations, territories, sectors, education levels)."""

from __future__ import annotations

from typing import Literal

from ninja import Schema


class ConceptHit(Schema):
    """One result of `siee.taxonomy.search.search_concepts` (same keys)."""

    kind: Literal["occupation", "skill"]
    id: int
    uri: str
    label: str
    matched_label: str
    isco: str | None = None
    score: float


class OccupationSkillRef(Schema):
    id: int
    uri: str
    label: str
    skill_type: str


class OccupationDetailOut(Schema):
    id: int
    uri: str
    label: str
    alt_labels: list[str]
    isco_code: str
    isco_label: str | None = None
    parent_uri: str
    source: str
    essential_skills: list[OccupationSkillRef]
    optional_skills: list[OccupationSkillRef]


class TerritoryItem(Schema):
    id: int
    country: str
    code: str
    name: str
    level: int
    parent_code: str | None = None
    lat: float | None = None
    lon: float | None = None


class SectorOut(Schema):
    code: str
    label: str
    level: int
    section: str


class EducationLevelOut(Schema):
    code: str
    label: str
    rank: int
    national_names: dict[str, str]
