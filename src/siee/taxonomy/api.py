"""Taxonomy API (mounted at /api/v1/taxonomy/): concept search, occupation detail, territories, sectors,
education levels. Reference data only (no personal data): any authenticated user may read it."""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router

from siee.core.models import Territory
from siee.core.schemas import ErrorOut
from siee.lib.text import fold
from siee.taxonomy.models import EducationLevel, IscoGroup, Occupation, Sector
from siee.taxonomy.schemas import (
    ConceptHit,
    EducationLevelOut,
    OccupationDetailOut,
    SectorOut,
    TerritoryItem,
)
from siee.taxonomy.search import search_concepts

router = Router()

ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
MAX_SEARCH = 50
MAX_TERRITORIES = 2000
MAX_ID = 2**31 - 1


@router.get("/search", response={200: list[ConceptHit], **ERRORS},
            summary="Busca ocupaciones y habilidades por cualquier nombre (sin tildes, tolera errores)")
def search(request, q: str = Query(..., max_length=200), kind: Literal["occupation", "skill"] | None = None,
           limit: int = Query(10, ge=1, le=MAX_SEARCH)):
    return search_concepts(q, kind=kind, limit=limit)


@router.get("/occupations/{occupation_id}", response={200: OccupationDetailOut, **ERRORS},
            summary="Ocupación con sus habilidades esenciales y opcionales")
def occupation_detail(request, occupation_id: int = Path(..., ge=1, le=MAX_ID)):
    occ = get_object_or_404(Occupation, pk=occupation_id)
    essential, optional = [], []
    links = occ.skill_links.select_related("skill").order_by("skill__label", "skill_id")
    for link in links:
        s = link.skill
        (essential if link.essential else optional).append(
            {"id": s.pk, "uri": s.uri, "label": s.label, "skill_type": s.skill_type}
        )
    group = IscoGroup.objects.filter(code=occ.isco_code).first()
    return {
        "id": occ.pk, "uri": occ.uri, "label": occ.label,
        "alt_labels": [a for a in occ.alt_labels.split("\n") if a.strip()],
        "isco_code": occ.isco_code, "isco_label": group.label if group else None, "parent_uri": occ.parent_uri,
        "source": occ.source, "essential_skills": essential, "optional_skills": optional,
    }


def _parent(country: str | None, parent: str) -> Territory | None:
    """`parent` is an official code ("68"), or "CC-code" ("CO-68"); the country defaults to SIEE_COUNTRY."""
    if "-" in parent:
        country, parent = parent.split("-", 1)
    return Territory.objects.filter(country=(country or settings.DEFAULT_COUNTRY).upper(), code=parent).first()


@router.get("/territories", response={200: list[TerritoryItem], **ERRORS},
            summary="Territorios oficiales (filtros: país, nivel, padre, nombre)")
def territories(request, country: str | None = Query(None, max_length=2), level: int | None = Query(None, ge=0, le=9),
                parent: str | None = Query(None, max_length=30), q: str | None = Query(None, max_length=200),
                limit: int = Query(500, ge=1, le=MAX_TERRITORIES)):
    qs = Territory.objects.all()
    if country:
        qs = qs.filter(country=country.upper())
    if level is not None:
        qs = qs.filter(level=level)
    if parent:
        node = _parent(country, parent)
        if node is None:
            return []
        qs = qs.filter(parent=node)
    rows = qs.order_by("country", "level", "code").values(
        "id", "country", "code", "name", "level", "parent__code", "lat", "lon"
    )
    if q:  # accent- and case-insensitive on every backend: filter in Python (at most a few thousand rows)
        needle = fold(q)
        rows = [r for r in rows if needle in fold(r["name"])]
    out = []
    for r in rows[:limit]:
        r["parent_code"] = r.pop("parent__code")
        out.append(r)
    return out


@router.get("/sectors", response={200: list[SectorOut], **ERRORS},
            summary="Sectores económicos CIIU Rev.4 (secciones y divisiones)")
def sectors(request, level: int | None = Query(None, ge=1, le=2)):
    qs = Sector.objects.order_by("section", "level", "code")
    if level is not None:
        qs = qs.filter(level=level)
    return list(qs)


@router.get("/education-levels", response={200: list[EducationLevelOut], **ERRORS},
            summary="Niveles educativos CINE 2011 con sus nombres nacionales")
def education_levels(request):
    return list(EducationLevel.objects.order_by("rank"))
