"""Employers and vacancies API: scoped staff endpoints and the public (no login) vacancy feed."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from siee.core.errors import OutOfScope, ValidationFailed
from siee.core.schemas import ErrorOut, Id, with_status
from siee.core.selectors import find_territory
from siee.employers import services
from siee.employers.jsonld import vacancy_jobposting
from siee.employers.schemas import (
    CloseIn,
    EmployerIn,
    EmployerOut,
    EmployerPage,
    EmployerPatch,
    PublicVacancyPage,
    VacancyIn,
    VacancyOut,
    VacancyPage,
    VacancyPatch,
    employer_data,
    public_vacancy_data,
    vacancy_data,
)
from siee.employers.selectors import (
    employers_for,
    get_employer_for,
    get_vacancy_for,
    public_vacancies,
    vacancies_for,
)

router = Router()

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000_000
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _municipality_id(code: str | None) -> int | None:
    if not code:
        return None
    territory = find_territory(code)
    if territory is None:
        raise ValidationFailed(_("Municipio desconocido: %(c)s") % {"c": code}, field="municipality")
    return territory.pk


def _page(qs, limit, offset, build) -> dict:
    return {"count": qs.count(), "limit": limit, "offset": offset, "items": [build(o) for o in qs[offset:offset + limit]]}


def _vacancy_input(payload) -> dict:
    data = payload.dict(exclude_unset=True, exclude={"employer_id"})
    return {k: v for k, v in data.items() if v is not None or k in ("wage_min", "wage_max", "closing_date")}


# --- employers ---------------------------------------------------------------------------------------------

@router.get("/employers", response={200: EmployerPage, **ERRORS}, summary="Empleadores del territorio del usuario")
def list_employers(request, q: str | None = Query(None, max_length=200), municipality: str | None = Query(None, max_length=20),
                   limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    qs = employers_for(request.auth, q=q, municipality_id=_municipality_id(municipality)).order_by("name", "id")
    return _page(qs, limit, offset, employer_data)


@router.post("/employers", response={201: EmployerOut, **ERRORS}, summary="Registra un empleador")
def create_employer(request, payload: EmployerIn):
    employer = services.register_employer(actor=request.auth, data=payload.dict(exclude_none=True))
    return with_status(201, employer_data(employer))


@router.get("/employers/{employer_id}", response={200: EmployerOut, **ERRORS}, summary="Un empleador")
def get_employer(request, employer_id: Id):
    return employer_data(get_employer_for(request.auth, employer_id))


@router.patch("/employers/{employer_id}", response={200: EmployerOut, **ERRORS}, summary="Modifica un empleador")
def update_employer(request, employer_id: Id, payload: EmployerPatch):
    data = {k: ("" if v is None else v) for k, v in payload.dict(exclude_unset=True).items()}
    employer = services.update_employer(actor=request.auth, employer_id=employer_id, data=data)
    return employer_data(employer)


# --- vacancies ---------------------------------------------------------------------------------------------

@router.get("/vacancies", response={200: VacancyPage, **ERRORS}, summary="Vacantes del territorio del usuario")
def list_vacancies(request, q: str | None = Query(None, max_length=200), status: str | None = Query(None, max_length=10),
                   municipality: str | None = Query(None, max_length=20), employer: Id | None = None,
                   limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    qs = vacancies_for(request.auth, q=q, status=status, municipality_id=_municipality_id(municipality),
                       employer_id=employer).order_by("-created_at", "-id")
    return _page(qs, limit, offset, vacancy_data)


@router.post("/vacancies", response={201: VacancyOut, **ERRORS}, summary="Publica una vacante de un empleador")
def create_vacancy(request, payload: VacancyIn):
    vacancy = services.create_vacancy(actor=request.auth, employer_id=payload.employer_id, data=_vacancy_input(payload))
    return with_status(201, vacancy_data(vacancy))


@router.get("/vacancies/{vacancy_id}", response={200: VacancyOut, **ERRORS}, summary="Una vacante")
def get_vacancy(request, vacancy_id: Id):
    return vacancy_data(get_vacancy_for(request.auth, vacancy_id))


@router.patch("/vacancies/{vacancy_id}", response={200: VacancyOut, **ERRORS}, summary="Modifica una vacante")
def update_vacancy(request, vacancy_id: Id, payload: VacancyPatch):
    vacancy = services.update_vacancy(actor=request.auth, vacancy_id=vacancy_id, data=_vacancy_input(payload))
    return vacancy_data(vacancy)


@router.post("/vacancies/{vacancy_id}/close", response={200: VacancyOut, **ERRORS}, summary="Cierra una vacante (closed o filled)")
def close_vacancy(request, vacancy_id: Id, payload: CloseIn):
    vacancy = services.close_vacancy(actor=request.auth, vacancy_id=vacancy_id, status=payload.status)
    return vacancy_data(vacancy)


# --- public ------------------------------------------------------------------------------------------------

@router.get("/public/vacancies", auth=None, response={200: PublicVacancyPage, 422: ErrorOut},
            summary="Vacantes abiertas y publicadas (sin autenticación, sin datos personales)")
def list_public_vacancies(request, q: str | None = Query(None, max_length=200),
                          municipality: str | None = Query(None, max_length=20),
                          limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    qs = public_vacancies(municipality_id=_municipality_id(municipality), q=q).order_by("-created_at", "-id")
    return _page(qs, limit, offset, public_vacancy_data)


@router.get("/public/vacancies/{vacancy_id}", auth=None, response={200: dict, 404: ErrorOut, 422: ErrorOut},
            summary="Una vacante pública como schema.org JobPosting (JSON-LD)")
def get_public_vacancy(request, vacancy_id: Id):
    vacancy = public_vacancies().filter(pk=vacancy_id).select_related("education_level").first()
    if vacancy is None:
        raise OutOfScope(_("Vacante no encontrada."))
    return vacancy_jobposting(vacancy, base_url=request.build_absolute_uri("/").rstrip("/"))
