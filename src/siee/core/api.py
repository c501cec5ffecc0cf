"""Core API: who am I, tokens, organizations, staff users, audit log, territorial scope."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Query, Router

from siee.core import services
from siee.core.errors import PermissionDenied, ValidationFailed
from siee.core.models import AuditEntry, Organization
from siee.core.schemas import (
    AuditPage,
    ErrorOut,
    MeOut,
    OrganizationIn,
    OrganizationOut,
    OrganizationPage,
    TerritoryOut,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
    with_status,
)
from siee.core.selectors import find_territory, user_territories

router = Router()

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000_000
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Usuario actual, rol, organización y territorios")
def me(request):
    user = request.auth
    org = user.organization
    return {
        "id": user.pk, "username": user.username, "full_name": user.get_full_name(), "role": user.role,
        "role_label": user.get_role_display(), "organization": org,
        "territories": list(org.territories.select_related("parent")) if org else [],
        "can_read_personal_data": user.can_read_personal_data,
        "can_read_sensitive_data": user.can_read_sensitive_data,
        "is_system_admin": user.is_system_admin, "is_agency_admin": user.is_agency_admin,
    }


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 422: ErrorOut},
             summary="Obtiene el token de la API con usuario y contraseña")
def auth_token(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        return with_status(401, {"code": "unauthorized", "detail": _("Usuario o contraseña incorrectos."), "errors": {}})
    token = user.api_token or services.issue_api_token(user=user)
    return {"token": token, "username": user.username, "role": user.role}


def _require_admin(user) -> None:
    if not user.is_agency_admin:
        raise PermissionDenied(_("Solo los administradores pueden ver esta información."))


@router.get("/organizations", response={200: OrganizationPage, **ERRORS}, summary="Organizaciones (administradores)")
def list_organizations(request, limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    user = request.auth
    _require_admin(user)
    qs = Organization.objects.prefetch_related("territories").order_by("name")
    if not user.is_system_admin:
        qs = qs.filter(pk=user.organization_id)
    return {"count": qs.count(), "limit": limit, "offset": offset, "items": list(qs[offset:offset + limit])}


@router.post("/organizations", response={201: OrganizationOut, **ERRORS}, summary="Crea una organización (administrador del sistema)")
def create_organization(request, payload: OrganizationIn):
    territories, unknown = [], []
    for code in payload.territory_codes:
        territory = find_territory(code)
        (territories.append(territory) if territory else unknown.append(code))
    if unknown and request.auth.is_system_admin:
        raise ValidationFailed(_("Territorios desconocidos: %(codes)s") % {"codes": ", ".join(unknown)}, field="territory_codes")
    org = services.create_organization(actor=request.auth, name=payload.name, kind=payload.kind,
                                       territories=territories, tax_id=payload.tax_id, email=payload.email,
                                       phone=payload.phone)
    return with_status(201, org)


@router.post("/users", response={201: UserOut, **ERRORS}, summary="Crea un usuario del personal (administradores)")
def create_user(request, payload: UserIn):
    actor = request.auth
    organization = actor.organization
    if payload.organization_id is not None:
        if not actor.is_system_admin and payload.organization_id != actor.organization_id:
            raise PermissionDenied(_("Solo puede crear usuarios de su propia organización."))
        organization = Organization.objects.filter(pk=payload.organization_id).first()
        if organization is None:
            raise ValidationFailed(_("Organización desconocida."), field="organization_id")
    user = services.create_staff_user(actor=actor, username=payload.username, password=payload.password,
                                      role=payload.role, organization=organization, first_name=payload.first_name,
                                      last_name=payload.last_name, email=payload.email)
    return with_status(201, user)


@router.get("/audit", response={200: AuditPage, **ERRORS}, summary="Registro de auditoría (administradores de agencia)")
def audit_log(request, actor: str | None = None, action: str | None = None, object_type: str | None = None,
              since: dt.datetime | None = None, limit: int = Query(50, ge=1, le=MAX_LIMIT),
              offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    user = request.auth
    _require_admin(user)
    qs = AuditEntry.objects.all()
    if not user.is_system_admin:
        qs = qs.filter(organization_id=user.organization_id)
    if actor:
        qs = qs.filter(actor_label=actor)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if since:
        qs = qs.filter(at__gte=since)
    return {"count": qs.count(), "limit": limit, "offset": offset, "items": list(qs[offset:offset + limit])}


@router.get("/territories/scope", response={200: list[TerritoryOut], **ERRORS}, summary="Municipios del ámbito del usuario")
def territory_scope(request):
    return list(user_territories(request.auth))
