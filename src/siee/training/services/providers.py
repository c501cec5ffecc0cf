"""Training providers: Organizations of kind training_provider."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import ErrorCode, ValidationFailed
from siee.core.models import AuditAction, Organization, OrganizationKind
from siee.training.selectors import (
    require_staff,
)
from siee.training.services._common import (
    _territory,
)

# --- providers ---------------------------------------------------------------------------------------------

@transaction.atomic
def register_provider(*, actor, name: str, territory_codes: list[str], tax_id: str = "", email: str = "",
                      phone: str = "") -> Organization:
    """A training provider (an Organization of kind training_provider). Agency staff may register them."""
    if actor is not None:
        require_staff(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("El nombre es obligatorio."), field="name")
    if Organization.objects.filter(name=name).exists():
        raise ValidationFailed(_("Ya existe una organización con ese nombre."), field="name", code=ErrorCode.DUPLICATE)
    territories = [_territory(c, "territories") for c in territory_codes]
    if not territories:
        raise ValidationFailed(_("Indique al menos un territorio."), field="territories")
    org = Organization.objects.create(name=name, kind=OrganizationKind.TRAINING_PROVIDER, tax_id=tax_id, email=email,
                                      phone=phone)
    org.territories.set(territories)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=org, fields=["name", "kind", "territories"])
    return org
