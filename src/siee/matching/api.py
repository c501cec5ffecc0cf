"""Matching API (/api/v1/matching/): thin; scoping and rules live in the services."""

from __future__ import annotations

from ninja import Query, Router

from siee.core.errors import PermissionDenied
from siee.core.schemas import ErrorOut
from siee.matching import services
from siee.matching.schemas import MatchPageOut, WeightsIn, WeightsOut, page_out
from siee.matching.weights import ENGINE_VERSION

router = Router()

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
MAX_ID = 9_223_372_036_854_775_807


@router.get("/vacancies/{vacancy_id}/candidates", response={200: MatchPageOut, **ERRORS},
            summary="Candidatos ordenados para una vacante, con explicación")
def vacancy_candidates(request, vacancy_id: int, top: int = Query(20, ge=1, le=services.MAX_TOP),
                       offset: int = Query(0, ge=0, le=services.MAX_OFFSET),
                       municipality_id: int | None = Query(None, ge=1, le=MAX_ID),
                       min_score: float | None = Query(None, ge=0, le=1),
                       migrant: bool | None = None, sex: str | None = Query(None, pattern="^[FMIX]$")):
    filters = {"municipality_id": municipality_id, "min_score": min_score, "migrant": migrant, "sex": sex}
    page = services.rank_candidates(actor=request.user, vacancy_id=vacancy_id, top=top, offset=offset,
                                    filters={k: v for k, v in filters.items() if v is not None})
    return page_out(page)


@router.get("/people/{person_id}/vacancies", response={200: MatchPageOut, **ERRORS},
            summary="Vacantes ordenadas para una persona (también en autoservicio), con explicación")
def person_vacancies(request, person_id: int, top: int = Query(20, ge=1, le=services.MAX_TOP),
                     offset: int = Query(0, ge=0, le=services.MAX_OFFSET)):
    page = services.rank_vacancies(actor=request.user, person_id=person_id, top=top, offset=offset)
    return page_out(page)


def _weights_out(user) -> dict:
    weights, version = services.active_weights(getattr(user, "organization_id", None))
    return {"version": version, "engine_version": ENGINE_VERSION, "weights": weights.as_dict()}


@router.get("/weights", response={200: WeightsOut, **ERRORS}, summary="Pesos vigentes del puntaje")
def get_weights(request):
    if not request.user.can_read_personal_data and not request.user.is_agency_admin:
        raise PermissionDenied("Su rol no permite ver la configuración del emparejamiento.")
    return _weights_out(request.user)


@router.put("/weights", response={200: WeightsOut, **ERRORS},
            summary="Nueva versión de los pesos (administrador de la agencia)")
def put_weights(request, payload: WeightsIn):
    services.set_weights(actor=request.user, weights=payload.weights)
    return _weights_out(request.user)
