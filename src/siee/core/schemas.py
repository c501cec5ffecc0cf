"""Typed request/response schemas of the core API (users, organizations, territories, audit)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

# Database ids: positive 64-bit integers (larger numbers are a 422, never a database overflow).
Id = Annotated[int, Field(ge=1, le=9_223_372_036_854_775_807)]


class ErrorOut(Schema):
    code: str
    detail: str
    errors: dict[str, list[str]] = {}


class TerritoryOut(Schema):
    id: int
    country: str
    code: str
    name: str
    level: int
    parent_code: str | None = None
    parent_name: str | None = None

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_parent_name(obj) -> str | None:
        return obj.parent.name if obj.parent_id else None


class OrganizationOut(Schema):
    id: int
    name: str
    kind: str
    tax_id: str
    email: str
    phone: str
    active: bool
    territories: list[TerritoryOut]

    @staticmethod
    def resolve_territories(obj) -> list:
        return list(obj.territories.select_related("parent").all())


class OrganizationIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: str = "agency"
    territory_codes: list[str] = Field(..., description="Códigos oficiales (p. ej. 68001 o CO-68001)")
    tax_id: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    organization: OrganizationOut | None
    territories: list[TerritoryOut]
    can_read_personal_data: bool
    can_read_sensitive_data: bool
    is_system_admin: bool
    is_agency_admin: bool


class TokenIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=256)


class TokenOut(Schema):
    token: str
    username: str
    role: str


class UserIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=256)
    role: str
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    email: str = Field("", max_length=254)
    organization_id: Id | None = Field(None, description="Solo el administrador del sistema; por defecto, la suya")


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    role: str
    organization_id: int | None


class AuditEntryOut(Schema):
    id: int
    at: dt.datetime
    actor: str = Field(..., alias="actor_label")
    organization_id: int | None
    action: str
    object_type: str
    object_id: str
    fields: list[str]
    channel: str
    ip: str | None
    detail: dict


class AuditPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AuditEntryOut]


class OrganizationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OrganizationOut]


def with_status(code: int, value):
    """An explicit status response (`ninja.Status` where available; a (code, value) tuple on older ninja)."""
    try:
        from ninja import Status
    except ImportError:  # django-ninja < 1.5
        return code, value
    return Status(code, value)
