"""Core services: organizations, users and roles. The only writers of core models."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import PermissionDenied, ValidationFailed
from siee.core.models import AuditAction, Organization, OrganizationKind, Role, Territory, User

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "siee-demo-2026"
DEMO_AGENCY_NAME = "IMEBU - Instituto Municipal de Empleo de Bucaramanga (demo)"


def new_api_token() -> str:
    return secrets.token_hex(24)


@transaction.atomic
def create_organization(*, actor, name: str, kind: str = OrganizationKind.AGENCY, territories: list[Territory],
                        tax_id: str = "", email: str = "", phone: str = "") -> Organization:
    if actor is not None and not actor.is_system_admin:
        raise PermissionDenied(_("Solo el administrador del sistema puede crear organizaciones."))
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("El nombre es obligatorio."), field="name")
    if Organization.objects.filter(name=name).exists():
        raise ValidationFailed(_("Ya existe una organización con ese nombre."), field="name")
    if kind not in OrganizationKind.values:
        raise ValidationFailed(_("Tipo de organización desconocido: %(kind)s") % {"kind": kind}, field="kind")
    if not territories:
        raise ValidationFailed(_("Indique al menos un territorio."), field="territories")
    org = Organization.objects.create(name=name, kind=kind, tax_id=tax_id, email=email, phone=phone)
    org.territories.set(territories)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=org, fields=["name", "kind", "territories"])
    return org


@transaction.atomic
def create_staff_user(*, actor, username: str, password: str, role: str, organization: Organization | None = None,
                      organization_name: str | None = None, first_name: str = "", last_name: str = "",
                      email: str = "", with_token: bool = False) -> User:
    if role not in Role.values:
        raise ValidationFailed(_("Rol desconocido: %(role)s. Roles: %(roles)s") % {"role": role, "roles": ", ".join(Role.values)}, field="role")
    if organization is None and organization_name:
        organization = Organization.objects.filter(name=organization_name).first()
        if organization is None:
            raise ValidationFailed(_("No existe la organización %(name)s") % {"name": organization_name}, field="organization")
    if actor is not None:
        if not actor.is_agency_admin:
            raise PermissionDenied(_("Solo un administrador puede crear usuarios."))
        if not actor.is_system_admin:
            if organization is None or organization.pk != actor.organization_id:
                raise PermissionDenied(_("Solo puede crear usuarios de su propia organización."))
            if role == Role.SYSTEM_ADMIN:
                raise PermissionDenied(_("No puede crear administradores del sistema."))
    if role != Role.SYSTEM_ADMIN and organization is None and role not in (Role.JOB_SEEKER, Role.EMPLOYER):
        raise ValidationFailed(_("El personal debe pertenecer a una organización."), field="organization")
    if not username or User.objects.filter(username=username).exists():
        raise ValidationFailed(_("El nombre de usuario está vacío o ya existe."), field="username")
    if len(password or "") < 8:
        raise ValidationFailed(_("La contraseña debe tener al menos 8 caracteres."), field="password")
    user = User(username=username, role=role, organization=organization, first_name=first_name,
                last_name=last_name, email=email, is_staff=role == Role.SYSTEM_ADMIN,
                is_superuser=role == Role.SYSTEM_ADMIN)
    user.set_password(password)
    if with_token:
        user.api_token = new_api_token()
    user.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=user, fields=["username", "role", "organization"])
    return user


def issue_api_token(*, user: User) -> str:
    user.api_token = new_api_token()
    user.save(update_fields=["api_token"])
    audit.record(actor=user, action=AuditAction.UPDATE, obj=user, fields=["api_token"])
    return user.api_token


def demo_agency() -> Organization:
    """The demo agency of the Bucaramanga metropolitan area (created with the demo territory)."""
    from django.conf import settings

    from siee.core.selectors import find_territory

    org = Organization.objects.filter(name=DEMO_AGENCY_NAME).first()
    if org:
        return org
    territories = [t for t in (find_territory(c) for c in settings.DEMO_TERRITORY.split(",")) if t]
    org = Organization.objects.create(name=DEMO_AGENCY_NAME, kind=OrganizationKind.AGENCY, tax_id="890.210.000-1")
    org.territories.set(territories)
    return org


def ensure_demo_admin() -> tuple[str, str, bool]:
    """Create the demo system administrator if missing; return its credentials."""
    user = User.objects.filter(username=DEMO_ADMIN_USERNAME).first()
    if user:
        return DEMO_ADMIN_USERNAME, DEMO_ADMIN_PASSWORD, False
    org = demo_agency()
    user = User(username=DEMO_ADMIN_USERNAME, role=Role.SYSTEM_ADMIN, organization=org, is_staff=True,
                is_superuser=True, first_name="Administración", last_name="SIEE")
    user.set_password(DEMO_ADMIN_PASSWORD)
    user.save()
    for username, role in (("orientadora", Role.COUNSELLOR), ("gestor", Role.INTERMEDIATION_OFFICER),
                           ("analista", Role.ANALYST), ("admin_agencia", Role.AGENCY_ADMIN),
                           ("asesora", Role.BUSINESS_ADVISER)):
        if not User.objects.filter(username=username).exists():
            u = User(username=username, role=role, organization=org)
            u.set_password(DEMO_ADMIN_PASSWORD)
            u.save()
    return DEMO_ADMIN_USERNAME, DEMO_ADMIN_PASSWORD, True


@transaction.atomic
def set_user_active(*, actor, user_id: int, active: bool) -> User:
    """Agency admins deactivate (or reactivate) staff of their own organization; history is kept."""
    if actor is None or not actor.is_agency_admin:
        raise PermissionDenied(_("Solo un administrador puede cambiar usuarios."))
    target = User.objects.filter(pk=user_id).first()
    if target is None or (not actor.is_system_admin and target.organization_id != actor.organization_id):
        from siee.core.errors import OutOfScope

        raise OutOfScope(_("Usuario no encontrado."))
    if target.pk == actor.pk:
        raise ValidationFailed(_("No puede desactivar su propia cuenta."), field="user")
    target.is_active = active
    target.save(update_fields=["is_active"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=target, fields=["is_active"], detail={"active": active})
    return target
