"""Typed schemas of the people API, and `person_profile`, the one-screen profile shared by API and CLI.

Input field names are the import column names (see `siee.people.validation.PERSON_COLUMNS`); values are
checked by `clean_person` in the service, which reports each problem against its field.
"""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from siee.core.schemas import Id
from siee.people.models import (
    Availability,
    Barrier,
    DocumentType,
    ExperienceKind,
    MigrationStatus,
    PersonStatus,
    Sex,
    SkillLevel,
)


class ConsentIn(Schema):
    purpose: str = Field("employment_services", min_length=1, max_length=60)
    channel: str = Field("in_person", min_length=1, max_length=20)
    text_version: str = Field("v1", min_length=1, max_length=20)


class _PersonFields(Schema):
    gender_identity: str | None = Field(None, max_length=60)
    nationality: str | None = Field(None, max_length=20, description="ISO de dos letras: CO, VE...")
    phone: str | None = Field(None, max_length=30)
    whatsapp: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=200)
    education_level: str | None = Field(None, max_length=100, description="Código CINE 2011 o nombre nacional")
    status: PersonStatus | None = None
    availability: Availability | None = None
    expected_wage: int | None = Field(None, ge=0, le=1_000_000_000)
    willing_to_relocate: bool | None = None
    max_hours_per_week: int | None = Field(None, ge=1, le=84)
    desired_occupations: list[str] | None = Field(None, description="URIs de ocupaciones")
    interests: str | None = Field(None, max_length=2000)
    languages: str | None = Field(None, max_length=200)
    # sensitive
    migration_status: MigrationStatus | None = None
    arrival_date: dt.date | None = None
    household_size: int | None = Field(None, ge=1, le=40)
    disability: bool | None = None
    disability_type: str | None = Field(None, max_length=100)
    ethnicity: str | None = Field(None, max_length=60)
    conflict_victim: bool | None = None
    barriers: list[Barrier] | None = None


class PersonIn(_PersonFields):
    document_type: DocumentType
    document_number: str = Field(..., max_length=30)
    first_names: str = Field(..., max_length=120)
    last_names: str = Field(..., max_length=120)
    birth_date: dt.date
    sex: Sex
    municipality_code: str = Field(..., max_length=20, description="DIVIPOLA / CUT / INEC / UBIGEO, p. ej. 68001")
    consent: ConsentIn = Field(..., description="Autorización de tratamiento de datos (habeas data), obligatoria")


class PersonPatch(_PersonFields):
    document_type: DocumentType | None = None
    document_number: str | None = Field(None, max_length=30)
    first_names: str | None = Field(None, max_length=120)
    last_names: str | None = Field(None, max_length=120)
    birth_date: dt.date | None = None
    sex: Sex | None = None
    municipality_code: str | None = Field(None, max_length=20)


class ExperienceIn(Schema):
    description: str = Field(..., max_length=300)
    occupation: str | Id | None = Field(None, description="URI o id de la ocupación")
    employer_name: str = Field("", max_length=200)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    months: int | None = Field(None, ge=0, le=720)
    kind: ExperienceKind = ExperienceKind.FORMAL
    country: str = Field("CO", max_length=2)


class EducationIn(Schema):
    level: str = Field(..., max_length=3, description="Código CINE 2011")
    title: str = Field("", max_length=200)
    institution: str = Field("", max_length=200)
    country: str = Field("CO", max_length=2)
    year: int | None = Field(None, ge=1900, le=2200)
    recognized: bool = False


class SkillIn(Schema):
    skill: str | Id = Field(..., description="URI o id de la habilidad")
    level: SkillLevel = SkillLevel.INTERMEDIATE
    certified: bool = False


class MergeIn(Schema):
    merge_id: Id


class PersonMunicipalityOut(Schema):
    id: int
    code: str
    name: str


class PersonTaxonomyRef(Schema):
    id: int
    uri: str
    label: str


class PersonSummary(Schema):
    id: int
    first_names: str
    last_names: str
    full_name: str
    document_type: str
    document_number: str
    birth_date: dt.date
    municipality: PersonMunicipalityOut
    status: str
    registered_at: dt.datetime


class PersonPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonSummary]


class ExperienceOut(Schema):
    id: int
    description: str
    occupation: PersonTaxonomyRef | None
    employer_name: str
    country: str
    start_date: dt.date | None
    end_date: dt.date | None
    months: int | None
    kind: str


class EducationOut(Schema):
    id: int
    level: str
    level_label: str
    title: str
    institution: str
    country: str
    year: int | None
    recognized: bool


class PersonSkillOut(Schema):
    id: int
    skill: PersonTaxonomyRef
    level: str
    certified: bool


class ConsentOut(Schema):
    id: int
    purpose: str
    granted_at: dt.datetime
    channel: str
    text_version: str
    revoked_at: dt.datetime | None


class SensitiveOut(Schema):
    migration_status: str
    arrival_date: dt.date | None
    household_size: int | None
    disability: bool
    disability_type: str
    ethnicity: str
    conflict_victim: bool
    barriers: list[str]


class PersonDetail(PersonSummary):
    sex: str
    gender_identity: str
    nationality: str
    phone: str
    whatsapp: str
    email: str
    address: str
    education_level: str | None
    availability: str
    expected_wage: int | None
    willing_to_relocate: bool
    max_hours_per_week: int | None = None
    interests: str
    languages: str
    merged_into_id: int | None
    has_consent: bool
    desired_occupations: list[PersonTaxonomyRef]
    education: list[EducationOut]
    experience: list[ExperienceOut]
    skills: list[PersonSkillOut]
    consents: list[ConsentOut]
    sensitive: SensitiveOut | None = Field(None, description="Solo para roles autorizados; la lectura queda auditada")


class DuplicateOut(Schema):
    person: PersonSummary
    score: float
    reasons: list[str]


class RevokedOut(Schema):
    revoked: int


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "uri": obj.uri, "label": obj.label} if obj is not None else None


def person_summary(person) -> dict:
    m = person.municipality
    return {
        "id": person.pk, "first_names": person.first_names, "last_names": person.last_names,
        "full_name": person.full_name, "document_type": person.document_type,
        "document_number": person.document_number, "birth_date": person.birth_date,
        "municipality": {"id": m.pk, "code": m.code, "name": m.name}, "status": person.status,
        "registered_at": person.registered_at,
    }


def person_profile(person, *, include_sensitive: bool) -> dict:
    """The whole profile as plain data. Sensitive fields only with include_sensitive (the caller audits)."""
    data = person_summary(person)
    data.update({k: getattr(person, k) for k in (
        "sex", "gender_identity", "nationality", "phone", "whatsapp", "email", "address", "availability",
        "expected_wage", "willing_to_relocate", "max_hours_per_week", "interests", "languages", "merged_into_id")})
    data["education_level"] = person.education_level.code if person.education_level_id else None
    data["has_consent"] = person.has_consent()
    data["desired_occupations"] = [_ref(o) for o in person.desired_occupations.order_by("label")]
    data["education"] = [
        {"id": e.pk, "level": e.level.code, "level_label": e.level.label, "title": e.title,
         "institution": e.institution, "country": e.country, "year": e.year, "recognized": e.recognized}
        for e in person.education.select_related("level").order_by("-year", "id")
    ]
    data["experience"] = [
        {"id": x.pk, "description": x.description, "occupation": _ref(x.occupation), "employer_name": x.employer_name,
         "country": x.country, "start_date": x.start_date, "end_date": x.end_date, "months": x.months, "kind": x.kind}
        for x in person.experience.select_related("occupation").order_by("-start_date", "id")
    ]
    data["skills"] = [
        {"id": s.pk, "skill": _ref(s.skill), "level": s.level, "certified": s.certified}
        for s in person.skills.select_related("skill").order_by("skill__label")
    ]
    data["consents"] = [
        {"id": c.pk, "purpose": c.purpose, "granted_at": c.granted_at, "channel": c.channel,
         "text_version": c.text_version, "revoked_at": c.revoked_at}
        for c in person.consents.order_by("granted_at", "id")
    ]
    data["sensitive"] = {k: getattr(person, k) for k in person.SENSITIVE_FIELDS} if include_sensitive else None
    return data
