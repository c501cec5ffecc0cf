"""Typed request/response schemas of the training API, and the builders the API, CLI and pages share."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from siee.core.schemas import Id
from siee.training.gaps import skill_code

ModalityValue = Literal["in_person", "virtual", "blended"]
EligibilityValue = Literal["anyone", "migrants_and_host", "migrants", "women", "youth"]
DropReasonValue = Literal["employment", "schedule", "care", "transport", "health", "moved", "interest", "attendance",
                          "other"]


# --- inputs ------------------------------------------------------------------------------------------------

class CourseIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    title: str = Field(..., min_length=1, max_length=200)
    provider_id: Id
    territory: str = Field(..., max_length=30, description="Código del municipio (p. ej. 68001)")
    skills: list[str] = Field(..., min_length=1, max_length=50, description="Códigos, URIs o ids de habilidades")
    hours: int = Field(..., ge=1, le=5000)
    modality: ModalityValue = "in_person"
    schedule: str = Field("", max_length=200)
    location: str = Field("", max_length=200)
    seats: int = Field(25, ge=1, le=10_000)
    cost: int = Field(0, ge=0, le=1_000_000_000)
    certification: str = Field("", max_length=200)
    prerequisites: str = Field("", max_length=500)
    eligibility: EligibilityValue = "anyone"
    occupation: str | None = Field(None, max_length=200)
    description: str = Field("", max_length=5000)
    published: bool = True


class CohortIn(Schema):
    course_id: Id
    name: str = Field("", max_length=120)
    start_date: dt.date
    end_date: dt.date
    seats: int | None = Field(None, ge=1, le=10_000)
    contract_id: Id | None = None
    session_dates: list[dt.date] = Field([], max_length=500)


class EnrolmentIn(Schema):
    cohort_id: Id
    person_id: Id
    note: str = Field("", max_length=500)


class EnrolmentRequestIn(Schema):
    cohort_id: Id
    note: str = Field("", max_length=500)


class AttendanceIn(Schema):
    session: int = Field(..., ge=1, le=10_000, description="Número de la sesión en la cohorte")
    present: bool = True


class CompletionIn(Schema):
    completed_on: dt.date | None = None
    certified: bool = True
    certificate_code: str = Field("", max_length=60)


class DropIn(Schema):
    reason: DropReasonValue
    detail: str = Field("", max_length=500)
    dropped_on: dt.date | None = None


class ContractIn(Schema):
    provider_id: Id
    code: str = Field(..., min_length=1, max_length=40)
    title: str = Field("", max_length=300)
    start_date: dt.date
    end_date: dt.date
    formula: dict[str, Any] = Field(..., description='{"fixed": N, "parts": [{"indicator", "basis", "target", "amount"}]}')


class OpportunityIn(Schema):
    territory: str = Field(..., max_length=30)
    title: str = Field(..., min_length=1, max_length=200)
    kind: Literal["business", "employment"] = "employment"
    sector: str | None = Field(None, max_length=5)
    market: str = Field("", max_length=5000)
    actors: str = Field("", max_length=5000)
    gaps: str = Field("", max_length=5000)
    training_objectives: str = Field("", max_length=5000)
    minimum_contents: str = Field("", max_length=5000)
    result_indicators: str = Field("", max_length=5000)
    expected_jobs: int = Field(0, ge=0, le=1_000_000)
    skills: list[str] = Field([], max_length=100)
    occupation: str | None = Field(None, max_length=200)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


# --- outputs -----------------------------------------------------------------------------------------------

class SkillRef(Schema):
    skill: str
    label: str


class CourseOut(Schema):
    id: int
    code: str
    title: str
    provider: str
    provider_id: int
    territory: str
    skills: list[SkillRef]
    hours: int
    modality: str
    schedule: str
    location: str
    seats: int
    cost: int
    currency: str
    certification: str
    prerequisites: str
    eligibility: str
    occupation: str | None
    published: bool


class CohortOut(Schema):
    id: int
    course_id: int
    course: str
    name: str
    start_date: dt.date
    end_date: dt.date
    seats: int
    taken: int
    status: str
    contract_id: int | None
    sessions: list[dict]


class EnrolmentOut(Schema):
    id: int
    cohort_id: int
    course: str
    person_id: int
    person: str
    status: str
    channel: str
    requested_at: dt.datetime
    completed_on: dt.date | None
    certified: bool
    drop_reason: str


class EnrolmentPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[EnrolmentOut]


class ContractOut(Schema):
    id: int
    code: str
    title: str
    provider: str
    start_date: dt.date
    end_date: dt.date
    formula: dict[str, Any]


class OpportunityOut(Schema):
    id: int
    title: str
    kind: str
    territory: str
    expected_jobs: int
    skills: list[SkillRef]


def _skills(objs) -> list[dict]:
    return [{"skill": skill_code(s.uri), "label": s.label} for s in objs]


def course_data(c) -> dict:
    return {"id": c.pk, "code": c.code, "title": c.title, "provider": c.provider.name, "provider_id": c.provider_id,
            "territory": c.territory.code, "skills": _skills(c.skills.all().order_by("label")), "hours": c.hours,
            "modality": c.modality, "schedule": c.schedule, "location": c.location, "seats": c.seats, "cost": c.cost,
            "currency": c.currency, "certification": c.certification, "prerequisites": c.prerequisites,
            "eligibility": c.eligibility, "occupation": c.occupation.label if c.occupation_id else None,
            "published": c.published}


def cohort_data(c) -> dict:
    from siee.training.models import SEAT_STATUSES

    taken = getattr(c, "taken", None)
    if taken is None:
        taken = c.enrolments.filter(status__in=SEAT_STATUSES).count()
    return {"id": c.pk, "course_id": c.course_id, "course": c.course.title, "name": c.name, "start_date": c.start_date,
            "end_date": c.end_date, "seats": c.seats, "taken": taken, "status": c.status, "contract_id": c.contract_id,
            "sessions": [{"number": s.number, "date": s.date.isoformat(), "topic": s.topic}
                         for s in c.sessions.order_by("number")]}


def enrolment_data(e) -> dict:
    return {"id": e.pk, "cohort_id": e.cohort_id, "course": e.cohort.course.title, "person_id": e.person_id,
            "person": e.person.full_name, "status": e.status, "channel": e.channel, "requested_at": e.requested_at,
            "completed_on": e.completed_on, "certified": e.certified, "drop_reason": e.drop_reason}


def contract_data(c) -> dict:
    return {"id": c.pk, "code": c.code, "title": c.title, "provider": c.provider.name, "start_date": c.start_date,
            "end_date": c.end_date, "formula": c.formula}


def opportunity_data(o) -> dict:
    return {"id": o.pk, "title": o.title, "kind": o.kind, "territory": o.territory.code,
            "expected_jobs": o.expected_jobs, "skills": _skills(o.skills.all().order_by("label"))}
