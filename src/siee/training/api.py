"""Training API (/api/v1/training/): gaps, courses, cohorts, enrolments, contracts, opportunities.

Thin: every endpoint calls a scoped selector or a service. A person, enrolment or cohort of another territory
answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any, Literal

from ninja import Query, Router

from siee.core.schemas import ErrorOut, Id, with_status
from siee.people.selectors import get_person_for
from siee.training import selectors, services
from siee.training.schemas import (
    AttendanceIn,
    CohortIn,
    CohortOut,
    CompletionIn,
    ContractIn,
    ContractOut,
    CourseIn,
    CourseOut,
    DropIn,
    EnrolmentIn,
    EnrolmentOut,
    EnrolmentPage,
    EnrolmentRequestIn,
    OpportunityIn,
    OpportunityOut,
    cohort_data,
    contract_data,
    course_data,
    enrolment_data,
    opportunity_data,
)

router = Router()

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# --- gap analysis ----------------------------------------------------------------------------------------------

@router.get("/gaps", response={200: dict[str, Any], **ERRORS}, summary="Brechas de habilidades de un territorio")
def gaps(request, territory: str = Query(..., max_length=30), period: str | None = Query(None, max_length=10),
         top: int = Query(20, ge=1, le=1000), by: Literal["gap", "placements"] = "gap"):
    return selectors.territory_gaps(request.auth, territory=territory, period=period, top=top, order=by)


@router.get("/people/{person_id}/gaps", response={200: dict[str, Any], **ERRORS},
            summary="Habilidades que le faltan a una persona y cursos que las enseñan")
def person_gaps(request, person_id: Id):
    return selectors.person_gaps_for(request.auth, person_id)


# --- courses and cohorts ---------------------------------------------------------------------------------------

@router.get("/courses", response={200: list[CourseOut], **ERRORS}, summary="Cursos de los territorios del usuario")
def list_courses(request, q: str | None = Query(None, max_length=100)):
    return [course_data(c) for c in selectors.courses_for(request.auth, q=q)[:500]]


@router.post("/courses", response={201: CourseOut, **ERRORS}, summary="Registra un curso")
def create_course(request, payload: CourseIn):
    data = payload.dict()
    data["provider"] = data.pop("provider_id")
    return with_status(201, course_data(services.create_course(actor=request.auth, data=data)))


@router.get("/courses/{course_id}", response={200: CourseOut, **ERRORS}, summary="Un curso")
def get_course(request, course_id: Id):
    return course_data(selectors.get_course_for(request.auth, course_id))


@router.post("/cohorts", response={201: CohortOut, **ERRORS}, summary="Crea una cohorte (edición) de un curso")
def create_cohort(request, payload: CohortIn):
    cohort = services.create_cohort(actor=request.auth, course_id=payload.course_id, name=payload.name,
                                    start_date=payload.start_date, end_date=payload.end_date, seats=payload.seats,
                                    contract_id=payload.contract_id, session_dates=payload.session_dates)
    return with_status(201, cohort_data(cohort))


@router.get("/cohorts/{cohort_id}", response={200: CohortOut, **ERRORS}, summary="Una cohorte")
def get_cohort(request, cohort_id: Id):
    return cohort_data(selectors.get_cohort_for(request.auth, cohort_id))


# --- enrolments --------------------------------------------------------------------------------------------

@router.post("/enrolments", response={201: EnrolmentOut, **ERRORS},
             summary="Inscribe a una persona (inscrita o en lista de espera si no hay cupos)")
def enrol(request, payload: EnrolmentIn):
    e = services.enrol_person(actor=request.auth, cohort_id=payload.cohort_id, person_id=payload.person_id,
                              note=payload.note)
    return with_status(201, enrolment_data(e))


@router.post("/enrolments/request", response={201: EnrolmentOut, **ERRORS},
             summary="Solicitud de cupo en línea (autoservicio de la persona)")
def request_enrolment(request, payload: EnrolmentRequestIn):
    e = services.request_enrolment(actor=request.auth, cohort_id=payload.cohort_id, note=payload.note)
    return with_status(201, enrolment_data(e))


@router.get("/enrolments", response={200: EnrolmentPage, **ERRORS}, summary="Inscripciones (por cohorte o persona)")
def list_enrolments(request, cohort: Id | None = None, person: Id | None = None,
                    status: str | None = Query(None, max_length=12),
                    limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000_000)):
    if person:
        get_person_for(request.auth, person)
    if cohort and request.auth.role != "job_seeker":
        selectors.get_cohort_for(request.auth, cohort)
    qs = selectors.enrolments_for(request.auth, cohort_id=cohort, person_id=person, status=status)
    return {"count": qs.count(), "limit": limit, "offset": offset,
            "items": [enrolment_data(e) for e in qs[offset:offset + limit]]}


@router.post("/enrolments/{enrolment_id}/confirm", response={200: EnrolmentOut, **ERRORS},
             summary="Confirma una solicitud o saca a alguien de la lista de espera")
def confirm(request, enrolment_id: Id):
    return enrolment_data(services.confirm_enrolment(actor=request.auth, enrolment_id=enrolment_id))


@router.post("/enrolments/{enrolment_id}/attendance", response={200: dict[str, Any], **ERRORS},
             summary="Registra la asistencia a una sesión")
def attendance(request, enrolment_id: Id, payload: AttendanceIn):
    att = services.record_attendance(actor=request.auth, enrolment_id=enrolment_id, session_number=payload.session,
                                     present=payload.present)
    return {"enrolment_id": enrolment_id, "session": att.session.number, "present": att.present}


@router.post("/enrolments/{enrolment_id}/complete", response={200: EnrolmentOut, **ERRORS},
             summary="Registra la finalización (y certificación: el perfil gana las habilidades del curso)")
def complete(request, enrolment_id: Id, payload: CompletionIn):
    e = services.complete_enrolment(actor=request.auth, enrolment_id=enrolment_id, completed_on=payload.completed_on,
                                    certified=payload.certified, certificate_code=payload.certificate_code)
    return enrolment_data(e)


@router.post("/enrolments/{enrolment_id}/drop", response={200: EnrolmentOut, **ERRORS},
             summary="Registra un retiro con su motivo (el cupo pasa a la lista de espera)")
def drop(request, enrolment_id: Id, payload: DropIn):
    e = services.drop_enrolment(actor=request.auth, enrolment_id=enrolment_id, reason=payload.reason,
                                detail=payload.detail, dropped_on=payload.dropped_on)
    return enrolment_data(e)


# --- contracts and opportunities ---------------------------------------------------------------------------

@router.post("/contracts", response={201: ContractOut, **ERRORS}, summary="Registra un contrato con pago por resultados")
def create_contract(request, payload: ContractIn):
    c = services.create_contract(actor=request.auth, provider_id=payload.provider_id, code=payload.code,
                                 title=payload.title, start_date=payload.start_date, end_date=payload.end_date,
                                 formula=payload.formula)
    return with_status(201, contract_data(c))


@router.get("/contracts/{contract_id}/payable", response={200: dict[str, Any], **ERRORS},
            summary="Monto pagable por cohorte, con el porqué de cada parte")
def payable(request, contract_id: Id):
    return services.contract_payable(actor=request.auth, contract_id=contract_id)


@router.post("/opportunities", response={201: OpportunityOut, **ERRORS},
             summary="Registra una oportunidad de negocio o empleo del territorio")
def create_opportunity(request, payload: OpportunityIn):
    o = services.register_opportunity(actor=request.auth, data=payload.dict())
    return with_status(201, opportunity_data(o))


@router.get("/opportunities/{opportunity_id}/specification", response={200: dict[str, Any], **ERRORS},
            summary="Especificación de un curso a la medida para licitar")
def specification(request, opportunity_id: Id):
    return services.course_specification(actor=request.auth, opportunity_id=opportunity_id)
