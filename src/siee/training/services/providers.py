"""Training providers: Organizations of kind training_provider.

Agency staff register them and keep their details up to date. A provider may work in several agencies'
territories: an agency sets only the territories in its own scope and never removes the others.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import ErrorCode, ValidationFailed
from siee.core.models import AuditAction, Organization, OrganizationKind
from siee.core.selectors import scope_territory_ids
from siee.training.selectors import get_provider_for, require_staff
from siee.training.services._common import _territory

PROVIDER_FIELDS = ("name", "tax_id", "email", "phone", "active")


def _clean_provider(*, name, tax_id, email, phone, exclude_pk=None) -> tuple[dict, dict[str, list[str]], bool]:
    errors: dict[str, list[str]] = {}
    duplicate = False
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("El nombre es obligatorio.")]
    elif len(name) > 200:
        errors["name"] = [_("El nombre tiene más de 200 caracteres.")]
    elif Organization.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        errors["name"] = [_("Ya existe una organización con ese nombre.")]
        duplicate = True
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Correo electrónico no válido: %(e)s.") % {"e": email}]
    tax_id, phone = (tax_id or "").strip(), (phone or "").strip()
    if len(tax_id) > 30:
        errors["tax_id"] = [_("La identificación tributaria tiene más de 30 caracteres.")]
    if len(phone) > 30:
        errors["phone"] = [_("El teléfono tiene más de 30 caracteres.")]
    return {"name": name, "tax_id": tax_id, "email": email, "phone": phone}, errors, duplicate


def _territories_in_scope(actor, territory_codes, errors: dict[str, list[str]]) -> list:
    """The territories named, each of them inside the actor's scope (actor None: the system, no scope)."""
    scope = scope_territory_ids(actor) if actor is not None else None
    found = []
    for code in territory_codes or []:
        if str(code).strip() == "":
            continue
        try:
            territory = _territory(code, "territories")
        except ValidationFailed as exc:
            errors.setdefault("territories", []).append(exc.message)
            continue
        if scope is not None and territory.pk not in scope:
            errors.setdefault("territories", []).append(
                _("El territorio %(t)s está fuera de los territorios de su organización.") % {"t": territory.code})
        elif territory not in found:
            found.append(territory)
    return found


def _fail(errors: dict[str, list[str]], *, duplicate: bool) -> None:
    field, messages = next(iter(errors.items()))
    code = ErrorCode.DUPLICATE if duplicate and field == "name" else None
    raise ValidationFailed(messages[0], field=field, errors=errors, code=code)


@transaction.atomic
def register_provider(*, actor, name: str, territory_codes: list[str], tax_id: str = "", email: str = "",
                      phone: str = "") -> Organization:
    """A training provider (an Organization of kind training_provider), working in territories of the actor's
    scope. Agency staff may register them; actor None is the system (demo, CLI)."""
    if actor is not None:
        require_staff(actor)
    data, errors, duplicate = _clean_provider(name=name, tax_id=tax_id, email=email, phone=phone)
    territories = _territories_in_scope(actor, territory_codes, errors)
    if not territories and "territories" not in errors:
        errors["territories"] = [_("Indique al menos un territorio.")]
    if errors:
        _fail(errors, duplicate=duplicate)
    org = Organization.objects.create(kind=OrganizationKind.TRAINING_PROVIDER, **data)
    org.territories.set(territories)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=org, fields=["name", "kind", "territories"])
    return org


@transaction.atomic
def update_provider(*, actor, provider_id, name: str, territory_codes: list[str], tax_id: str = "", email: str = "",
                    phone: str = "", active: bool = True) -> Organization:
    """Edit a provider of the actor's territories. `territory_codes` are the provider's territories within the
    actor's scope; those outside it (another agency's) are kept as they are."""
    require_staff(actor)
    org = get_provider_for(actor, provider_id)
    data, errors, duplicate = _clean_provider(name=name, tax_id=tax_id, email=email, phone=phone, exclude_pk=org.pk)
    chosen = _territories_in_scope(actor, territory_codes, errors)
    scope = scope_territory_ids(actor)
    kept = [] if scope is None else [t for t in org.territories.all() if t.pk not in scope]
    if not chosen and not kept and "territories" not in errors:
        errors["territories"] = [_("Indique al menos un territorio.")]
    if errors:
        _fail(errors, duplicate=duplicate)
    data["active"] = bool(active)
    changed = [f for f in PROVIDER_FIELDS if getattr(org, f) != data[f]]
    before = {t.pk for t in org.territories.all()}
    after = {t.pk for t in chosen + kept}
    for field in changed:
        setattr(org, field, data[field])
    if changed:
        org.save(update_fields=changed)
    if before != after:
        org.territories.set(chosen + kept)
        changed.append("territories")
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=org, fields=changed,
                 detail={"kept_territories": sorted(t.code for t in kept)} if kept else None)
    return org
