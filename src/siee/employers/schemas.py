"""Typed schemas of the employers and vacancies API. Input names are the import column names."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from siee.core.schemas import Id
from siee.employers.models import ContractType, EmployerSize, VacancyStatus

TaxonomyKey = str | Id


class EmployerIn(Schema):
    tax_id: str = Field(..., max_length=30, description="NIT / RUT / RUC")
    name: str = Field(..., max_length=200)
    municipality_code: str = Field(..., max_length=20)
    country: str | None = Field(None, max_length=2)
    sector: str | None = Field(None, max_length=5, description="Código CIIU (sección o división)")
    size: EmployerSize | None = None
    contact_name: str | None = Field(None, max_length=150)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=200)


class EmployerPatch(Schema):
    tax_id: str | None = Field(None, max_length=30)
    name: str | None = Field(None, max_length=200)
    municipality_code: str | None = Field(None, max_length=20)
    country: str | None = Field(None, max_length=2)
    sector: str | None = Field(None, max_length=5)
    size: EmployerSize | None = None
    contact_name: str | None = Field(None, max_length=150)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=200)


class EmployerPlaceOut(Schema):
    id: int
    code: str
    name: str


class EmployerOut(Schema):
    id: int
    tax_id: str
    country: str
    name: str
    sector: str | None
    size: str
    contact_name: str
    phone: str
    email: str
    address: str
    municipality: EmployerPlaceOut
    created_at: dt.datetime


class EmployerPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[EmployerOut]


class _VacancyFields(Schema):
    code: str | None = Field(None, max_length=40, description="Se genera si se omite")
    description: str | None = Field(None, max_length=5000)
    required_skills: list[TaxonomyKey] | None = Field(None, description="URIs o ids de habilidades")
    desired_skills: list[TaxonomyKey] | None = Field(None, description="URIs o ids de habilidades")
    education_level: str | None = Field(None, max_length=100)
    experience_months: int | None = Field(None, ge=0, le=600)
    wage_min: int | None = Field(None, ge=0, le=1_000_000_000)
    wage_max: int | None = Field(None, ge=0, le=1_000_000_000)
    currency: str | None = Field(None, max_length=3)
    contract_type: ContractType | None = None
    hours_per_week: int | None = Field(None, ge=1, le=84)
    posts: int | None = Field(None, ge=1, le=10000)
    closing_date: dt.date | None = None
    status: VacancyStatus | None = None
    open_to_migrants: bool | None = None
    open_to_disability: bool | None = None
    published: bool | None = None


class VacancyIn(_VacancyFields):
    employer_id: Id
    title: str = Field(..., max_length=200)
    occupation: TaxonomyKey = Field(..., description="URI o id de la ocupación")
    municipality_code: str = Field(..., max_length=20)


class VacancyPatch(_VacancyFields):
    title: str | None = Field(None, max_length=200)
    occupation: TaxonomyKey | None = None
    municipality_code: str | None = Field(None, max_length=20)


class CloseIn(Schema):
    status: Literal["closed", "filled"] = "closed"


class VacancySkillRef(Schema):
    id: int
    uri: str
    label: str


class VacancyOccupationRef(VacancySkillRef):
    isco_code: str


class VacancyOut(Schema):
    id: int
    code: str
    employer: EmployerPlaceOut
    title: str
    occupation: VacancyOccupationRef
    description: str
    required_skills: list[VacancySkillRef]
    desired_skills: list[VacancySkillRef]
    education_level: str | None
    experience_months: int
    wage_min: int | None
    wage_max: int | None
    currency: str
    contract_type: str
    hours_per_week: int
    posts: int
    municipality: EmployerPlaceOut
    closing_date: dt.date | None
    status: str
    open_to_migrants: bool
    open_to_disability: bool
    published: bool
    created_at: dt.datetime


class VacancyPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[VacancyOut]


class PublicVacancyOut(Schema):
    id: int
    code: str
    title: str
    employer_name: str
    occupation: str
    isco_code: str
    municipality: str
    region: str | None
    wage_min: int | None
    wage_max: int | None
    currency: str
    contract_type: str
    hours_per_week: int
    posts: int
    closing_date: dt.date | None
    open_to_migrants: bool
    open_to_disability: bool


class PublicVacancyPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PublicVacancyOut]


def _ref(obj) -> dict:
    return {"id": obj.pk, "uri": obj.uri, "label": obj.label}


def employer_data(e) -> dict:
    return {
        "id": e.pk, "tax_id": e.tax_id, "country": e.country, "name": e.name,
        "sector": e.sector.code if e.sector_id else None, "size": e.size, "contact_name": e.contact_name,
        "phone": e.phone, "email": e.email, "address": e.address,
        "municipality": {"id": e.municipality.pk, "code": e.municipality.code, "name": e.municipality.name},
        "created_at": e.created_at,
    }


def vacancy_data(v) -> dict:
    links = list(v.skill_links.select_related("skill").order_by("skill__label"))
    return {
        "id": v.pk, "code": v.code, "employer": {"id": v.employer.pk, "code": v.employer.tax_id, "name": v.employer.name},
        "title": v.title, "occupation": {**_ref(v.occupation), "isco_code": v.occupation.isco_code},
        "description": v.description,
        "required_skills": [_ref(link.skill) for link in links if link.required],
        "desired_skills": [_ref(link.skill) for link in links if not link.required],
        "education_level": v.education_level.code if v.education_level_id else None,
        **{k: getattr(v, k) for k in ("experience_months", "wage_min", "wage_max", "currency", "contract_type",
                                      "hours_per_week", "posts", "closing_date", "status", "open_to_migrants",
                                      "open_to_disability", "published", "created_at")},
        "municipality": {"id": v.municipality.pk, "code": v.municipality.code, "name": v.municipality.name},
    }


def public_vacancy_data(v) -> dict:
    m = v.municipality
    return {
        "id": v.pk, "code": v.code, "title": v.title, "employer_name": v.employer.name,
        "occupation": v.occupation.label, "isco_code": v.occupation.isco_code, "municipality": m.name,
        "region": m.parent.name if m.parent_id else None,
        **{k: getattr(v, k) for k in ("wage_min", "wage_max", "currency", "contract_type", "hours_per_week", "posts",
                                      "closing_date", "open_to_migrants", "open_to_disability")},
    }
