"""Reads of people, always scoped by the acting user's organization territories."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import OutOfScope, PermissionDenied
from siee.core.models import AuditAction
from siee.core.selectors import scope_territory_ids
from siee.lib.text import fold
from siee.people.models import Person, PersonStatus


def _require_personal_data_reader(user) -> None:
    if user is None or not user.is_authenticated or not user.can_read_personal_data:
        raise PermissionDenied(_("Su rol no permite ver datos personales."))


def people_for(user, *, q: str | None = None, municipality_id: int | None = None, status: str | None = None,
               migrant: bool | None = None, include_merged: bool = False) -> QuerySet[Person]:
    _require_personal_data_reader(user)
    qs = Person.objects.select_related("municipality", "education_level")
    scope = scope_territory_ids(user)
    if scope is not None:
        qs = qs.filter(municipality_id__in=scope)
    if not include_merged:
        qs = qs.exclude(status=PersonStatus.MERGED)
    if q:
        text = q.strip()
        folded = fold(text)
        cond = Q(document_number__iexact=text.replace(".", "")) | Q(name_key__contains=folded)
        qs = qs.filter(cond)
    if municipality_id:
        qs = qs.filter(municipality_id=municipality_id)
    if status:
        qs = qs.filter(status=status)
    if migrant is True:
        qs = qs.exclude(migration_status__in=["national", "returnee"])
    elif migrant is False:
        qs = qs.filter(migration_status__in=["national", "returnee"])
    return qs


def get_person_for(user, person_id, *, sensitive: bool = False, purpose: str = "") -> Person:
    """The person if the user may see them; OutOfScope (shown as 'not found') otherwise.

    With sensitive=True the read of the sensitive fields is audited (only for roles allowed to read them).
    """
    if user is not None and user.is_authenticated and user.role == "job_seeker":
        person = Person.objects.filter(pk=person_id, user=user).select_related("municipality").first()
        if person is None:
            raise OutOfScope(_("Persona no encontrada."))
    else:
        _require_personal_data_reader(user)
        try:
            pk = int(person_id)
        except (TypeError, ValueError):
            raise OutOfScope(_("Persona no encontrada.")) from None
        if not 0 < pk < 2**63:  # beyond a database integer: cannot exist
            raise OutOfScope(_("Persona no encontrada."))
        person = Person.objects.select_related("municipality", "municipality__parent", "education_level").filter(pk=pk).first()
        scope = scope_territory_ids(user)
        if person is None or (scope is not None and person.municipality_id not in scope):
            if person is not None:
                audit.record(actor=user, action=AuditAction.DENIED, obj=person, detail={"reason": "out_of_scope"})
            raise OutOfScope(_("Persona no encontrada."))
    if sensitive:
        if not user.can_read_sensitive_data and getattr(person, "user_id", None) != user.pk:
            raise PermissionDenied(_("Su rol no permite ver datos sensibles."))
        audit.record(actor=user, action=AuditAction.READ_SENSITIVE, obj=person, fields=Person.SENSITIVE_FIELDS,
                     detail={"purpose": purpose} if purpose else None)
    return person


def can_see_sensitive(user, person: Person) -> bool:
    return bool(user and user.is_authenticated and (user.can_read_sensitive_data or person.user_id == user.pk))
