"""Schemas of the matching API."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class ComponentOut(Schema):
    label: str
    value: float = Field(ge=0, le=1)
    weight: float = Field(ge=0)
    share: float = Field(ge=0, le=1, description="peso relativo con el que entró al puntaje")
    applied: bool
    text: str


class SkillRef(Schema):
    id: int
    label: str
    essential: bool


class ExplanationOut(Schema):
    engine_version: str
    score: float = Field(ge=0, le=1)
    summary: str
    components: dict[str, ComponentOut]
    matched_skills: list[SkillRef]
    missing_skills: list[SkillRef]
    notes: list[str]


class MatchOut(Schema):
    id: int = Field(description="id de la persona (candidatos) o de la vacante (vacantes)")
    score: float = Field(ge=0, le=1)
    label: str
    explanation: ExplanationOut


class MatchPageOut(Schema):
    results: list[MatchOut]
    total_eligible: int
    engine_version: str
    weights_version: int
    message: str
    notes: list[str]


class WeightsOut(Schema):
    version: int = Field(description="0 = valores por defecto")
    engine_version: str
    weights: dict[str, float]


class WeightsIn(Schema):
    weights: dict[str, float] = Field(description="pesos a cambiar (los demás se conservan), p. ej. {\"skills\": 0.3}")


def page_out(page) -> dict:
    return {
        "results": [{"id": r.id, "score": r.score, "label": r.label, "explanation": r.explanation} for r in page.results],
        "total_eligible": page.total_eligible, "engine_version": page.engine_version,
        "weights_version": page.weights_version, "message": page.message, "notes": page.notes,
    }
