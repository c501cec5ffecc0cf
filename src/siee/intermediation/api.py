"""Intermediation API (/api/v1/intermediation/): applications, shortlist, referrals, placements, follow-ups.

Thin: every endpoint calls a scoped selector or a service. A vacancy, person or referral of another territory
answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Query, Router

from siee.core.schemas import ErrorOut, Id, with_status
from siee.employers.selectors import get_vacancy_for
from siee.intermediation import selectors, services
from siee.intermediation.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    FeedbackIn,
    FollowUpDoneIn,
    FollowUpOut,
    FollowUpPage,
    NotificationOut,
    PlacementIn,
    PlacementOut,
    PlacementPage,
    ReferralIn,
    ReferralOut,
    ReferralPage,
    ShortlistIn,
    ShortlistOut,
    VacancyMatchIn,
    application_data,
    follow_up_data,
    notification_data,
    placement_data,
    referral_data,
    shortlist_data,
)
from siee.people.selectors import get_person_for

router = Router()

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000_000
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _page(qs, limit, offset, build) -> dict:
    return {"count": qs.count(), "limit": limit, "offset": offset, "items": [build(o) for o in qs[offset:offset + limit]]}


def _check_filters(user, vacancy: int | None, person: int | None) -> None:
    """Filtering by another territory's vacancy or person is a 404, not an empty list."""
    if vacancy:
        get_vacancy_for(user, vacancy)
    if person:
        get_person_for(user, person)


# --- applications ------------------------------------------------------------------------------------------

@router.post("/applications", response={201: ApplicationOut, **ERRORS}, summary="Postula a una persona a una vacante")
def create_application(request, payload: ApplicationIn):
    app = services.apply_to_vacancy(actor=request.auth, vacancy_id=payload.vacancy_id, person_id=payload.person_id,
                                    note=payload.note)
    return with_status(201, application_data(app))


@router.get("/applications", response={200: ApplicationPage, **ERRORS}, summary="Postulaciones (por vacante o persona)")
def list_applications(request, vacancy: Id | None = None, person: Id | None = None,
                      status: str | None = Query(None, max_length=20),
                      limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    _check_filters(request.auth, vacancy, person)
    qs = selectors.applications_for(request.auth, vacancy_id=vacancy, person_id=person, status=status).order_by("-created_at", "-id")
    return _page(qs, limit, offset, application_data)


# --- shortlist ---------------------------------------------------------------------------------------------

@router.get("/vacancies/{vacancy_id}/shortlist", response={200: list[ShortlistOut], **ERRORS},
            summary="Preselección de una vacante")
def list_shortlist(request, vacancy_id: Id):
    get_vacancy_for(request.auth, vacancy_id)
    return [shortlist_data(e) for e in selectors.shortlist_for(request.auth, vacancy_id=vacancy_id)]


@router.post("/vacancies/{vacancy_id}/shortlist", response={201: ShortlistOut, **ERRORS},
             summary="Preselecciona a una persona (guarda el puntaje y la explicación)")
def add_to_shortlist(request, vacancy_id: Id, payload: ShortlistIn):
    entry = services.shortlist_candidate(actor=request.auth, vacancy_id=vacancy_id, person_id=payload.person_id,
                                         score=payload.score, explanation=payload.explanation,
                                         engine_version=payload.engine_version or "",
                                         weights_version=payload.weights_version, note=payload.note)
    return with_status(201, shortlist_data(entry))


@router.delete("/vacancies/{vacancy_id}/shortlist/{person_id}", response={204: None, **ERRORS},
               summary="Quita a una persona de la preselección")
def delete_from_shortlist(request, vacancy_id: Id, person_id: Id):
    services.remove_from_shortlist(actor=request.auth, vacancy_id=vacancy_id, person_id=person_id)
    return with_status(204, None)


# --- referrals ---------------------------------------------------------------------------------------------

def _referral_out(request, referral) -> dict:
    return referral_data(referral, for_employer=getattr(request.auth, "role", "") == "employer")


@router.post("/referrals", response={201: ReferralOut, **ERRORS}, summary="Remite a una persona a una vacante")
def create_referral(request, payload: ReferralIn):
    referral = services.refer_person_to_vacancy(
        actor=request.auth, vacancy_id=payload.vacancy_id, person_id=payload.person_id, score=payload.score,
        explanation=payload.explanation, engine_version=payload.engine_version,
        weights_version=payload.weights_version, notes=payload.notes, notify=payload.notify)
    return with_status(201, _referral_out(request, referral))


@router.get("/referrals", response={200: ReferralPage, **ERRORS}, summary="Remisiones (por vacante, persona o estado)")
def list_referrals(request, vacancy: Id | None = None, person: Id | None = None,
                   status: str | None = Query(None, max_length=20),
                   limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    _check_filters(request.auth, vacancy, person)
    qs = selectors.referrals_for(request.auth, vacancy_id=vacancy, person_id=person, status=status)
    return _page(qs.select_related("referred_by", "placement").order_by("-referred_at", "-id"), limit, offset,
                 lambda r: _referral_out(request, r))


@router.get("/referrals/{referral_id}", response={200: ReferralOut, **ERRORS}, summary="Una remisión")
def get_referral(request, referral_id: Id):
    return _referral_out(request, selectors.get_referral_for(request.auth, referral_id))


@router.post("/referrals/{referral_id}/feedback", response={200: ReferralOut, **ERRORS},
             summary="Respuesta del empleador: entrevistada, contratada, no seleccionada (con motivo) o retirada")
def referral_feedback(request, referral_id: Id, payload: FeedbackIn):
    referral = services.record_employer_feedback(actor=request.auth, referral_id=referral_id, status=payload.status,
                                                 reason=payload.reason, detail=payload.detail, notes=payload.notes)
    return _referral_out(request, referral)


# --- placements --------------------------------------------------------------------------------------------

@router.post("/placements", response={201: PlacementOut, **ERRORS},
             summary="Registra una colocación (de una remisión contratada o directa) y programa los seguimientos")
def create_placement(request, payload: PlacementIn):
    placement = services.record_placement(
        actor=request.auth, referral_id=payload.referral_id, person_id=payload.person_id,
        vacancy_id=payload.vacancy_id, employer_id=payload.employer_id, start_date=payload.start_date,
        contract_type=payload.contract_type, monthly_wage=payload.monthly_wage, formal=payload.formal,
        hours_per_week=payload.hours_per_week)
    return with_status(201, placement_data(placement))


@router.get("/placements", response={200: PlacementPage, **ERRORS}, summary="Colocaciones")
def list_placements(request, vacancy: Id | None = None, person: Id | None = None,
                    limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    _check_filters(request.auth, vacancy, person)
    qs = selectors.placements_for(request.auth, vacancy_id=vacancy, person_id=person).prefetch_related("follow_ups", "follow_ups__assigned_to")
    return _page(qs.order_by("-start_date", "-id"), limit, offset, placement_data)


@router.get("/placements/{placement_id}", response={200: PlacementOut, **ERRORS}, summary="Una colocación")
def get_placement(request, placement_id: Id):
    return placement_data(selectors.get_placement_for(request.auth, placement_id))


# --- follow-ups --------------------------------------------------------------------------------------------

@router.get("/follow-ups", response={200: FollowUpPage, **ERRORS},
            summary="Seguimientos del territorio (mine=true: solo los asignados a mí)")
def list_follow_ups(request, mine: bool = False, pending: bool | None = None, person: Id | None = None,
                    limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    _check_filters(request.auth, None, person)
    qs = selectors.follow_ups_for(request.auth, assigned_to=request.auth if mine else None, pending=pending,
                                  person_id=person)
    return _page(qs, limit, offset, follow_up_data)


@router.get("/follow-ups/overdue", response={200: FollowUpPage, **ERRORS},
            summary="Seguimientos vencidos (no realizados y con fecha anterior a hoy)")
def list_overdue_follow_ups(request, mine: bool = False, today: dt.date | None = None,
                            limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    today = today or timezone.localdate()
    qs = selectors.overdue_follow_ups(request.auth, today=today, assigned_to=request.auth if mine else None)
    return _page(qs, limit, offset, lambda f: follow_up_data(f, today=today))


@router.post("/follow-ups/{follow_up_id}/complete", response={200: FollowUpOut, **ERRORS},
             summary="Registra el resultado de un seguimiento")
def complete_follow_up(request, follow_up_id: Id, payload: FollowUpDoneIn):
    follow_up = services.complete_follow_up(actor=request.auth, follow_up_id=follow_up_id,
                                            still_employed=payload.still_employed, formal=payload.formal,
                                            wage=payload.wage, notes=payload.notes)
    return follow_up_data(follow_up)


# --- notifications and fairness ----------------------------------------------------------------------------

@router.post("/notifications/vacancy-match", response={201: NotificationOut, **ERRORS},
             summary="Avisa a una persona de una vacante que coincide con su perfil")
def notify_vacancy_match(request, payload: VacancyMatchIn):
    notification = services.notify_vacancy_match(actor=request.auth, person_id=payload.person_id,
                                                 vacancy_id=payload.vacancy_id, score=payload.score,
                                                 explanation=payload.explanation)
    return with_status(201, notification_data(notification))


@router.get("/fairness", response={200: dict, **ERRORS},
            summary="Informe de equidad de un territorio (solo agregados): elegibles, clasificadas, remitidas, colocadas")
def fairness(request, territory: str = Query(..., min_length=1, max_length=20), vacancies: str | None = Query(None, max_length=2000),
             run: Id | None = None, since: dt.date | None = None, check: bool = False):
    from siee.core.errors import ValidationFailed
    from siee.intermediation.fairness import fairness_report

    try:
        vacancy_ids = [int(v) for v in vacancies.split(",") if v.strip()] if vacancies else None
        if vacancy_ids and not all(0 < v < 2**63 for v in vacancy_ids):
            raise ValueError
    except ValueError:
        raise ValidationFailed("vacancies: use ids separados por comas", field="vacancies") from None
    return fairness_report(actor=request.auth, territory=territory, vacancy_ids=vacancy_ids, run_id=run, since=since,
                           check=check)
