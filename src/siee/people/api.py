"""People API (/api/v1/people/): thin; every read goes through the scoped selectors, every write through services."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router

from siee.core.errors import ValidationFailed
from siee.core.schemas import ErrorOut, Id, with_status
from siee.core.selectors import find_territory
from siee.people import services
from siee.people.schemas import (
    ConsentIn,
    ConsentOut,
    DuplicateOut,
    EducationIn,
    EducationOut,
    ExperienceIn,
    ExperienceOut,
    MergeIn,
    PersonDetail,
    PersonIn,
    PersonPage,
    PersonPatch,
    PersonSkillOut,
    RevokedOut,
    SkillIn,
    person_profile,
    person_summary,
)
from siee.people.selectors import get_person_for, people_for
from siee.taxonomy.models import Occupation

router = Router()

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000_000
MAX_ID = 9_223_372_036_854_775_807
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _may_read_sensitive(user) -> bool:
    # Job seekers only ever reach their own record (the selector restricts them to it).
    return user.can_read_sensitive_data or user.role == "job_seeker"


def _municipality_id(code: str | None, field: str = "municipality") -> int | None:
    if not code:
        return None
    territory = find_territory(code)
    if territory is None:
        raise ValidationFailed(_("Municipio desconocido: %(c)s") % {"c": code}, field=field)
    return territory.pk


@router.get("", response={200: PersonPage, **ERRORS}, summary="Lista de personas del territorio del usuario")
def list_people(request, q: str | None = Query(None, max_length=200), municipality: str | None = Query(None, max_length=20),
                status: str | None = Query(None, max_length=20), migrant: bool | None = None,
                limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    qs = people_for(request.auth, q=q, municipality_id=_municipality_id(municipality), status=status, migrant=migrant)
    qs = qs.order_by("last_names", "first_names", "id")
    return {"count": qs.count(), "limit": limit, "offset": offset,
            "items": [person_summary(p) for p in qs[offset:offset + limit]]}


@router.post("", response={201: PersonDetail, **ERRORS}, summary="Registra una persona (con autorización de datos)")
def register_person(request, payload: PersonIn):
    data = payload.dict(exclude={"consent"}, exclude_none=True)
    person = services.register_person(actor=request.auth, data=data, consent=payload.consent.dict())
    return with_status(201, person_profile(person, include_sensitive=False))


@router.get("/duplicates/check", response={200: list[DuplicateOut], **ERRORS},
            summary="Posibles duplicados de unos datos (antes de registrar)")
def check_duplicates(request, document_type: str | None = Query(None, max_length=10),
                     document_number: str | None = Query(None, max_length=30),
                     first_names: str | None = Query(None, max_length=120),
                     last_names: str | None = Query(None, max_length=120),
                     birth_date: dt.date | None = None, phone: str | None = Query(None, max_length=30)):
    data = {"document_type": document_type, "document_number": document_number, "first_names": first_names,
            "last_names": last_names, "birth_date": birth_date, "phone": phone}
    found = services.find_duplicates(actor=request.auth, data=data)
    return [{"person": person_summary(d["person"]), "score": d["score"], "reasons": d["reasons"]} for d in found]


@router.get("/{person_id}", response={200: PersonDetail, **ERRORS},
            summary="Perfil completo; el bloque sensible solo para roles autorizados (lectura auditada)")
def get_person(request, person_id: Id):
    user = request.auth
    sensitive = _may_read_sensitive(user)
    person = get_person_for(user, person_id, sensitive=sensitive, purpose="api:profile")
    return person_profile(person, include_sensitive=sensitive)


@router.patch("/{person_id}", response={200: PersonDetail, **ERRORS}, summary="Modifica datos de una persona")
def update_person(request, person_id: Id, payload: PersonPatch):
    data = payload.dict(exclude_unset=True)
    person = services.update_person(actor=request.auth, person_id=person_id, data=data)
    return person_profile(person, include_sensitive=False)


@router.post("/{person_id}/experience", response={201: ExperienceOut, **ERRORS}, summary="Añade experiencia laboral")
def add_experience(request, person_id: Id, payload: ExperienceIn):
    occupation_id = payload.occupation
    if isinstance(occupation_id, str):
        if occupation_id.isdigit():
            occupation_id = int(occupation_id) if int(occupation_id) <= MAX_ID else -1
        else:
            occupation_id = Occupation.objects.filter(uri=occupation_id).values_list("pk", flat=True).first() or -1
    exp = services.add_experience(actor=request.auth, person_id=person_id, description=payload.description,
                                  occupation_id=occupation_id, employer_name=payload.employer_name,
                                  start_date=payload.start_date, end_date=payload.end_date, months=payload.months,
                                  kind=payload.kind, country=payload.country)
    occ = exp.occupation
    return with_status(201, {
        "id": exp.pk, "description": exp.description, "employer_name": exp.employer_name,
        "occupation": {"id": occ.pk, "uri": occ.uri, "label": occ.label} if occ else None,
        "country": exp.country, "start_date": exp.start_date, "end_date": exp.end_date,
        "months": exp.months, "kind": exp.kind})


@router.post("/{person_id}/education", response={201: EducationOut, **ERRORS}, summary="Añade un estudio")
def add_education(request, person_id: Id, payload: EducationIn):
    edu = services.add_education(actor=request.auth, person_id=person_id, level_code=payload.level,
                                 title=payload.title, institution=payload.institution, country=payload.country,
                                 year=payload.year, recognized=payload.recognized)
    return with_status(201, {
        "id": edu.pk, "level": edu.level.code, "level_label": edu.level.label, "title": edu.title,
        "institution": edu.institution, "country": edu.country, "year": edu.year, "recognized": edu.recognized})


@router.post("/{person_id}/skills", response={201: PersonSkillOut, **ERRORS}, summary="Añade o actualiza una habilidad")
def add_skill(request, person_id: Id, payload: SkillIn):
    skill = payload.skill
    if isinstance(skill, str) and skill.isdigit() and int(skill) > MAX_ID:
        skill = "-1"
    ps = services.add_person_skill(actor=request.auth, person_id=person_id, skill_id=skill,
                                   level=payload.level, certified=payload.certified)
    return with_status(201, {
        "id": ps.pk, "skill": {"id": ps.skill.pk, "uri": ps.skill.uri, "label": ps.skill.label},
        "level": ps.level, "certified": ps.certified})


@router.post("/{person_id}/consent", response={201: ConsentOut, **ERRORS}, summary="Registra la autorización de datos")
def grant_consent(request, person_id: Id, payload: ConsentIn):
    consent = services.record_consent(actor=request.auth, person_id=person_id, purpose=payload.purpose,
                                      channel=payload.channel, text_version=payload.text_version)
    return with_status(201, consent)


@router.delete("/{person_id}/consent", response={200: RevokedOut, **ERRORS}, summary="Revoca las autorizaciones vigentes")
def revoke_consent(request, person_id: Id):
    return {"revoked": services.revoke_consent(actor=request.auth, person_id=person_id)}


@router.get("/{person_id}/duplicates", response={200: list[DuplicateOut], **ERRORS}, summary="Posibles duplicados de una persona")
def person_duplicates(request, person_id: Id):
    person = get_person_for(request.auth, person_id)
    found = services.find_duplicates(actor=request.auth, person=person)
    return [{"person": person_summary(d["person"]), "score": d["score"], "reasons": d["reasons"]} for d in found]


@router.post("/{person_id}/merge", response={200: PersonDetail, **ERRORS},
             summary="Fusiona otro registro en este sin perder historia")
def merge_person(request, person_id: Id, payload: MergeIn):
    keep = services.merge_people(actor=request.auth, keep_id=person_id, merge_id=payload.merge_id)
    return person_profile(keep, include_sensitive=False)
