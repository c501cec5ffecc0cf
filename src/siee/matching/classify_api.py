"""Classifier API (mounted at /api/v1/classify/): free text → ESCO occupations and skills.

Reference data only (no personal data is stored or returned): any authenticated user may call it.
"""

from __future__ import annotations

from ninja import Query, Router, Schema
from pydantic import Field

from siee.core.errors import ValidationFailed
from siee.core.schemas import ErrorOut
from siee.matching.classifier_django import classify_occupation, classify_occupations, classify_skills

router = Router()

ERRORS = {401: ErrorOut, 422: ErrorOut}
MAX_TEXT = 5000  # characters per text (a whole vacancy description fits)
MAX_BATCH = 200  # texts per batch request
MAX_BATCH_CHARS = 40_000  # characters per batch request (a long description costs far more than a title)
MAX_TOP = 50


class OccupationGuess(Schema):
    code: str = Field(description="URI de la ocupación ESCO")
    isco: str = Field(description="código CIUO-08 (ISCO-08) de 4 dígitos")
    label: str
    score: float = Field(ge=0, le=1, description="0..1; 1 = coincidencia exacta con una etiqueta")
    id: int | None = Field(None, description="id de la ocupación en esta base de datos")


class SkillGuess(Schema):
    code: str = Field(description="URI de la habilidad")
    label: str
    score: float = Field(ge=0, le=1)
    id: int | None = None
    matched_label: str = Field(description="la etiqueta (preferida o alternativa) encontrada en el texto")


class BatchIn(Schema):
    texts: list[str] = Field(..., max_length=MAX_BATCH, description=f"hasta {MAX_BATCH} textos")
    top: int = Field(5, ge=1, le=MAX_TOP)


class BatchOut(Schema):
    results: list[list[OccupationGuess]] = Field(description="una lista por texto, en el mismo orden")


@router.get("/occupation", response={200: list[OccupationGuess], **ERRORS},
            summary="Ocupaciones ESCO/CIUO-08 que corresponden a un texto libre (cargo o vacante completa)")
def occupation(request, text: str = Query(..., max_length=MAX_TEXT), top: int = Query(5, ge=1, le=MAX_TOP)):
    return classify_occupation(text, top=top)


@router.post("/occupation/batch", response={200: BatchOut, **ERRORS},
             summary=f"Clasifica hasta {MAX_BATCH} textos ({MAX_BATCH_CHARS} caracteres en total) en una llamada")
def occupation_batch(request, payload: BatchIn):
    texts = [t[:MAX_TEXT] for t in payload.texts]
    if sum(len(t) for t in texts) > MAX_BATCH_CHARS:
        raise ValidationFailed(f"Los textos suman más de {MAX_BATCH_CHARS} caracteres; divida la solicitud.",
                               errors={"texts": [f"máximo {MAX_BATCH_CHARS} caracteres en total"]})
    return {"results": classify_occupations(texts, top=payload.top)}


@router.get("/skills", response={200: list[SkillGuess], **ERRORS},
            summary="Habilidades mencionadas en un texto libre")
def skills(request, text: str = Query(..., max_length=MAX_TEXT), top: int = Query(10, ge=1, le=MAX_TOP)):
    return classify_skills(text, top=top)
