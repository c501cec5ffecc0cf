"""Typed request/response schemas of the intermediation API, and the builders the API and CLI share."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from siee.core.schemas import Id

FeedbackStatus = Literal["interviewed", "hired", "rejected", "withdrawn"]
RejectionReasonValue = Literal["", "profile_mismatch", "experience", "education", "skills", "documents", "wage",
                               "schedule", "no_show", "candidate_declined", "position_filled", "other"]
ContractTypeValue = Literal["indefinite", "fixed", "work", "services", "apprenticeship", "temporary"]


class PersonRef(Schema):
    id: int
    full_name: str


class VacancyRef(Schema):
    id: int
    code: str
    title: str
    employer: str


# --- inputs ------------------------------------------------------------------------------------------------

class ApplicationIn(Schema):
    vacancy_id: Id
    person_id: Id | None = Field(None, description="Obligatorio para el personal; en autoservicio, la propia persona")
    note: str = Field("", max_length=500)


class MatchSnapshotIn(Schema):
    score: float | None = Field(None, ge=0, le=1, description="Puntaje 0–1; si falta, el de la preselección o el del motor")
    explanation: dict | None = None
    engine_version: str | None = Field(None, max_length=40)
    weights_version: int | None = Field(None, ge=0, le=2_147_483_647)


class ShortlistIn(MatchSnapshotIn):
    person_id: Id
    note: str = Field("", max_length=500)


class ReferralIn(MatchSnapshotIn):
    vacancy_id: Id
    person_id: Id
    notes: str = Field("", max_length=1000)
    notify: bool = True


class FeedbackIn(Schema):
    status: FeedbackStatus
    reason: RejectionReasonValue = ""
    detail: str = Field("", max_length=500)
    notes: str = Field("", max_length=1000)


class PlacementIn(Schema):
    referral_id: Id | None = None
    person_id: Id | None = Field(None, description="Colocación directa (sin remisión)")
    vacancy_id: Id | None = None
    employer_id: Id | None = None
    start_date: dt.date
    contract_type: ContractTypeValue
    monthly_wage: int = Field(..., ge=1, le=1_000_000_000)
    formal: bool = True
    hours_per_week: int | None = Field(None, ge=1, le=84)


class FollowUpDoneIn(Schema):
    still_employed: bool
    formal: bool | None = None
    wage: int | None = Field(None, ge=0, le=1_000_000_000)
    notes: str = Field("", max_length=1000)


# --- outputs -----------------------------------------------------------------------------------------------

class ApplicationOut(Schema):
    id: int
    person: PersonRef
    vacancy: VacancyRef
    channel: str
    status: str
    created_at: dt.datetime
    note: str


class ShortlistOut(Schema):
    id: int
    person: PersonRef
    vacancy_id: int
    score: float | None
    explanation: dict
    engine_version: str
    weights_version: int | None
    added_at: dt.datetime
    added_by: str | None
    note: str


class ReferralOut(Schema):
    id: int
    person: PersonRef
    vacancy: VacancyRef
    status: str
    status_label: str
    referred_at: dt.datetime
    referred_by: str | None
    score: float | None
    explanation: dict
    engine_version: str
    weights_version: int | None
    interviewed_at: dt.datetime | None
    decided_at: dt.datetime | None
    rejection_reason: str
    rejection_detail: str
    placement_id: int | None


class FollowUpOut(Schema):
    id: int
    placement_id: int
    person: PersonRef
    employer: str
    months_after: int
    due_date: dt.date
    assigned_to: str | None
    done_at: dt.datetime | None
    still_employed: bool | None
    formal: bool | None
    wage: int | None
    notes: str
    overdue: bool


class PlacementOut(Schema):
    id: int
    person: PersonRef
    vacancy: VacancyRef | None
    employer: str
    referral_id: int | None
    source: str
    start_date: dt.date
    contract_type: str
    monthly_wage: int
    formal: bool
    hours_per_week: int
    follow_ups: list[FollowUpOut]


class ApplicationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ApplicationOut]


class ReferralPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReferralOut]


class PlacementPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PlacementOut]


class FollowUpPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[FollowUpOut]


# --- builders (shared by API and CLI) ----------------------------------------------------------------------

def person_ref(person) -> dict:
    return {"id": person.pk, "full_name": person.full_name}


def vacancy_ref(vacancy) -> dict | None:
    if vacancy is None:
        return None
    return {"id": vacancy.pk, "code": vacancy.code, "title": vacancy.title, "employer": vacancy.employer.name}


def application_data(a) -> dict:
    return {"id": a.pk, "person": person_ref(a.person), "vacancy": vacancy_ref(a.vacancy), "channel": a.channel,
            "status": a.status, "created_at": a.created_at, "note": a.note}


def shortlist_data(e) -> dict:
    return {"id": e.pk, "person": person_ref(e.person), "vacancy_id": e.vacancy_id, "score": e.score,
            "explanation": e.explanation, "engine_version": e.engine_version, "weights_version": e.weights_version,
            "added_at": e.added_at, "added_by": e.added_by.username if e.added_by_id else None, "note": e.note}


def referral_data(r, *, for_employer: bool = False) -> dict:
    from siee.intermediation.services import explanation_for_employer

    placement = getattr(r, "placement", None)  # reverse one-to-one: absent raises AttributeError
    return {
        "id": r.pk, "person": person_ref(r.person), "vacancy": vacancy_ref(r.vacancy), "status": r.status,
        "status_label": str(r.get_status_display()), "referred_at": r.referred_at,
        "referred_by": r.referred_by.username if r.referred_by_id else None, "score": r.score,
        "explanation": explanation_for_employer(r.explanation) if for_employer else r.explanation,
        "engine_version": r.engine_version, "weights_version": r.weights_version, "interviewed_at": r.interviewed_at,
        "decided_at": r.decided_at, "rejection_reason": r.rejection_reason, "rejection_detail": r.rejection_detail,
        "placement_id": placement.pk if placement is not None else None,
    }


def follow_up_data(f, *, today: dt.date | None = None) -> dict:
    from django.utils import timezone

    today = today or timezone.localdate()
    p = f.placement
    return {"id": f.pk, "placement_id": p.pk, "person": person_ref(p.person), "employer": p.employer.name,
            "months_after": f.months_after, "due_date": f.due_date,
            "assigned_to": f.assigned_to.username if f.assigned_to_id else None, "done_at": f.done_at,
            "still_employed": f.still_employed, "formal": f.formal, "wage": f.wage, "notes": f.notes,
            "overdue": f.is_overdue(today)}


def placement_data(p) -> dict:
    follow_ups = sorted(p.follow_ups.all(), key=lambda f: f.months_after)
    for f in follow_ups:
        f.placement = p
    return {"id": p.pk, "person": person_ref(p.person), "vacancy": vacancy_ref(p.vacancy), "employer": p.employer.name,
            "referral_id": p.referral_id, "source": p.source, "start_date": p.start_date,
            "contract_type": p.contract_type, "monthly_wage": p.monthly_wage, "formal": p.formal,
            "hours_per_week": p.hours_per_week, "follow_ups": [follow_up_data(f) for f in follow_ups]}


class VacancyMatchIn(Schema):
    person_id: Id
    vacancy_id: Id
    score: float | None = Field(None, ge=0, le=1)
    explanation: dict | None = None


class NotificationOut(Schema):
    id: int
    channel: str
    backend: str
    recipient_kind: str
    template: str
    subject: str
    body: str
    link: str
    status: str
    sent_at: dt.datetime | None


def notification_data(n) -> dict:
    return {"id": n.pk, "channel": n.channel, "backend": n.backend, "recipient_kind": n.recipient_kind,
            "template": n.template, "subject": n.subject, "body": n.body, "link": n.link, "status": n.status,
            "sent_at": n.sent_at}
